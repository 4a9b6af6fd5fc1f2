#include "tools/hubctl/profile_view.h"

#include <algorithm>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "tools/hubctl/format.h"
#include "tools/hubctl/table.h"

namespace hubctl {
namespace {

using google::protobuf::RepeatedPtrField;

// Values longer than this do not widen the value column of the trait list.
constexpr size_t kMaxAlignedValueWidth = 40;

std::string LineageText(const hub::v1::TraitLineage& l) {
  return absl::StrCat("(", OrDash(l.source()), " ", EntityTypeName(l.entity()),
                      " ", OrDash(l.external_id()), ", ",
                      FormatTimestamp(l.observed_at()), ", ", OrDash(l.rule()),
                      ")");
}

void PrintTraits(const RepeatedPtrField<hub::v1::Trait>& traits,
                 std::ostream& out) {
  out << "\nTraits\n";
  if (traits.empty()) out << "  (none)\n";
  size_t name_width = 0, value_width = 0;
  for (const auto& t : traits) {
    name_width =
        std::max(name_width, DisplayWidth(EscapeForTerminal(t.name())));
    const size_t w = DisplayWidth(EscapeForTerminal(t.value()));
    if (w <= kMaxAlignedValueWidth) value_width = std::max(value_width, w);
  }
  for (const auto& t : traits) {
    std::string line = "  ";
    AppendPadded(&line, EscapeForTerminal(t.name()), name_width);
    line += " = ";
    if (t.has_lineage()) {
      AppendPadded(&line, EscapeForTerminal(t.value()), value_width);
      absl::StrAppend(&line, "  ", EscapeForTerminal(LineageText(t.lineage())));
    } else {
      line += EscapeForTerminal(t.value());
    }
    out << line << '\n';
  }
}

void PrintIdentifiers(
    const RepeatedPtrField<hub::v1::ProfileIdentifier>& identifiers,
    std::ostream& out) {
  out << "\nIdentifiers\n";
  if (identifiers.empty()) out << "  (none)\n";
  if (identifiers.empty()) return;
  Table table({"TYPE", "VALUE", "SOURCE", "FIRST SEEN"});
  for (const auto& id : identifiers) {
    table.AddRow({id.type(), id.value(), OrDash(id.source()),
                  FormatTimestamp(id.first_seen())});
  }
  table.Print(out, "  ");
}

void PrintSourceRecords(
    const RepeatedPtrField<hub::v1::SourceRecordRef>& records,
    std::ostream& out) {
  out << "\nSource records\n";
  if (records.empty()) out << "  (none)\n";
  if (records.empty()) return;
  Table table({"SOURCE", "ENTITY", "EXTERNAL ID", "UPDATED", "DELETED"});
  for (const auto& r : records) {
    table.AddRow({r.source(), EntityTypeName(r.entity()), r.external_id(),
                  FormatTimestamp(r.updated_at()), r.deleted() ? "yes" : "no"});
  }
  table.Print(out, "  ");
}

// The consent section, when the hub sent one (it does for every profile).
void PrintConsents(const RepeatedPtrField<hub::v1::Consent>& consents, std::ostream& out) {
  if (consents.empty()) return;
  out << "\nConsent\n";
  Table table({"PURPOSE", "STATE", "SOURCE", "TIME"});
  for (const auto& c : consents) {
    table.AddRow({c.purpose(),
                  c.state() == hub::v1::CONSENT_STATE_UNSPECIFIED
                      ? "NONE"
                      : hub::v1::ConsentState_Name(c.state()),
                  c.assumed() ? "(default)" : OrDash(c.source()),
                  c.has_time() ? FormatTimestamp(c.time()) : "-"});
  }
  table.Print(out, "  ");
}

std::string MergedNames(const RepeatedPtrField<std::string>& names) {
  return names.empty() ? "-" : absl::StrJoin(names, ", ");
}

// The value of the first trait called `name`, or "".
std::string TraitValue(const RepeatedPtrField<hub::v1::Trait>& traits,
                       std::string_view name) {
  for (const auto& t : traits) {
    if (t.name() == name) return t.value();
  }
  return "";
}

// The value of the first identifier of `type`, else of trait `trait`, or "-".
template <typename Resource>
std::string IdentifierOrTrait(const Resource& r, std::string_view type,
                              std::string_view trait) {
  for (const auto& id : r.identifiers()) {
    if (id.type() == type) return id.value();
  }
  return OrDash(TraitValue(r.traits(), trait));
}

}  // namespace

void PrintProfile(const hub::v1::Profile& profile, std::ostream& out) {
  out << "Profile " << EscapeForTerminal(profile.name()) << '\n';
  PrintFields(out, {{"account", OrDash(profile.account())},
                    {"merged from", MergedNames(profile.merged_names())},
                    {"created", FormatTimestamp(profile.create_time())},
                    {"updated", FormatTimestamp(profile.update_time())},
                    {"events", absl::StrCat(profile.event_count())}});
  PrintTraits(profile.traits(), out);
  PrintIdentifiers(profile.identifiers(), out);
  PrintConsents(profile.consents(), out);
  PrintSourceRecords(profile.source_records(), out);
}

void PrintAccount(const hub::v1::Account& account, std::ostream& out) {
  out << "Account " << EscapeForTerminal(account.name()) << '\n';
  PrintFields(out, {{"members", absl::StrCat(account.member_count())},
                    {"merged from", MergedNames(account.merged_names())},
                    {"created", FormatTimestamp(account.create_time())},
                    {"updated", FormatTimestamp(account.update_time())}});
  PrintTraits(account.traits(), out);
  PrintIdentifiers(account.identifiers(), out);
  PrintSourceRecords(account.source_records(), out);
}

void PrintProfileList(const hub::v1::ListProfilesResponse& response,
                      std::ostream& out) {
  Table table({"NAME", "ACCOUNT", "PERSON", "EMAIL", "EVENTS", "UPDATED"});
  for (const auto& p : response.profiles()) {
    std::vector<std::string> person;
    for (const char* trait : {"first_name", "last_name"}) {
      std::string v = TraitValue(p.traits(), trait);
      if (!v.empty()) person.push_back(std::move(v));
    }
    table.AddRow(
        {p.name(), OrDash(p.account()), OrDash(absl::StrJoin(person, " ")),
         IdentifierOrTrait(p, "email", "email"), absl::StrCat(p.event_count()),
         FormatTimestamp(p.update_time())});
  }
  table.Print(out);
}

void PrintAccountList(const hub::v1::ListAccountsResponse& response,
                      std::ostream& out) {
  Table table({"NAME", "COMPANY", "DOMAIN", "MEMBERS", "UPDATED"});
  for (const auto& a : response.accounts()) {
    table.AddRow({a.name(), OrDash(TraitValue(a.traits(), "name")),
                  IdentifierOrTrait(a, "domain", "website"),
                  absl::StrCat(a.member_count()),
                  FormatTimestamp(a.update_time())});
  }
  table.Print(out);
}

void PrintRefusalList(const hub::v1::ListIdentityRefusalsResponse& response,
                      std::ostream& out) {
  Table table({"IDENTIFIER", "HOLDER", "JOINED", "REASON", "RECORD", "WHEN"});
  for (const auto& r : response.refusals()) {
    table.AddRow({absl::StrCat(r.identifier_type(), " ", r.identifier_value()),
                  OrDash(r.holder()), OrDash(r.target()), r.reason(),
                  absl::StrCat(r.record().source(), " ",
                               EntityTypeName(r.record().entity()), " ",
                               r.record().external_id()),
                  FormatTimestamp(r.refuse_time())});
  }
  table.Print(out);
}

void PrintEventList(const hub::v1::ListProfileEventsResponse& response,
                    std::ostream& out) {
  Table table(
      {"OCCURRED", "TYPE", "SOURCE", "ENTITY", "EXTERNAL ID", "PROPERTIES"});
  for (const auto& e : response.events()) {
    const std::map<std::string, std::string> properties(e.properties().begin(),
                                                        e.properties().end());
    table.AddRow({FormatTimestamp(e.occur_time()),
                  absl::StrCat(e.event_type(), e.deleted() ? " (deleted)" : ""),
                  e.source(), EntityTypeName(e.entity()), e.external_id(),
                  absl::StrJoin(properties, ", ", absl::PairFormatter("="))});
  }
  table.Print(out);
}

}  // namespace hubctl
