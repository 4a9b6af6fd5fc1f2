#include "profile/identity/identifier.h"

#include <array>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace hub {
namespace {

constexpr std::array<std::pair<const char*, Side>, 15> kTypes = {{
    {"email", Side::kPerson},
    {"phone", Side::kPerson},
    {"salesforce.contact_id", Side::kPerson},
    {"salesforce.lead_id", Side::kPerson},
    {"hubspot.contact_id", Side::kPerson},
    {"mailchimp.member_id", Side::kPerson},
    {"user_id", Side::kPerson},
    {"segment.anonymous_id", Side::kPerson},
    {"ga4.user_pseudo_id", Side::kPerson},
    {"zendesk.user_id", Side::kPerson},
    {"salesforce.account_id", Side::kAccount},
    {"hubspot.company_id", Side::kAccount},
    {"domain", Side::kAccount},
    {"segment.group_id", Side::kAccount},
    {"zendesk.organization_id", Side::kAccount},
}};

bool IsBlockedValue(absl::string_view v) {
  static constexpr absl::string_view kBlocked[] = {
      "", "null", "none", "nil", "undefined", "anonymous", "unknown", "n/a",
      "na", "-1", "test@test.com", "test@example.com", "noreply@example.com",
      "email@example.com", "none@none.com"};
  if (v.size() <= 19) {  // the longest placeholder
    for (absl::string_view blocked : kBlocked) {
      if (absl::EqualsIgnoreCase(v, blocked)) return true;
    }
  }
  // All zeros / dashes / dots (e.g. "0", "000-000", "00000000-0000-...").
  for (char c : v) {
    if (c != '0' && c != '-' && c != '.' && c != ' ' && c != '+') return false;
  }
  return true;
}

absl::Status Invalid(const IdentifierType& type, absl::string_view raw,
                     absl::string_view why) {
  return absl::InvalidArgumentError(
      absl::StrCat("invalid ", type.name, " \"", raw, "\": ", why));
}

absl::StatusOr<std::string> NormalizeEmail(const IdentifierType& type,
                                           absl::string_view raw,
                                           absl::string_view v) {
  std::string email = absl::AsciiStrToLower(v);
  size_t at = email.find('@');
  if (at == std::string::npos || at == 0 || email.find('@', at + 1) != std::string::npos) {
    return Invalid(type, raw, "expected exactly one '@' after a local part");
  }
  absl::string_view domain = absl::string_view(email).substr(at + 1);
  size_t dot = domain.find('.');
  if (dot == absl::string_view::npos || dot == 0 || domain.back() == '.') {
    return Invalid(type, raw, "domain needs a dot");
  }
  for (char c : email) {
    if (absl::ascii_isspace(c) || absl::ascii_iscntrl(c) || c == ',' ||
        c == '<' || c == '>' || c == '"') {
      return Invalid(type, raw, "contains a forbidden character");
    }
  }
  return email;
}

absl::StatusOr<std::string> NormalizePhone(const IdentifierType& type,
                                           absl::string_view raw,
                                           absl::string_view v) {
  std::string digits;
  for (char c : v) {
    if (absl::ascii_isdigit(c)) {
      digits.push_back(c);
    } else if (c == 'x' || c == 'X') {
      break;  // an extension follows
    } else if (!(c == '+' || c == '-' || c == '.' || c == ' ' || c == '(' ||
                 c == ')')) {
      return Invalid(type, raw, "unexpected character");
    }
  }
  bool international = absl::StartsWith(v, "+") || absl::StartsWith(v, "00");
  if (absl::StartsWith(v, "00")) digits = digits.substr(2);
  if (!international) {
    if (digits.size() == 10) {
      digits = "1" + digits;  // default region: US/NANP
    } else if (!(digits.size() == 11 && digits[0] == '1')) {
      return Invalid(type, raw, "not a 10-digit national number");
    }
  }
  if (digits.size() < 7 || digits.size() > 15) {
    return Invalid(type, raw, "E.164 needs 7 to 15 digits");
  }
  return "+" + digits;
}

absl::StatusOr<std::string> NormalizeDomain(const IdentifierType& type,
                                            absl::string_view raw,
                                            absl::string_view v) {
  std::string d = absl::AsciiStrToLower(v);
  absl::string_view s = d;
  size_t scheme = s.find("://");
  if (scheme != absl::string_view::npos) s.remove_prefix(scheme + 3);
  size_t at = s.find('@');  // an email given as a domain source
  if (at != absl::string_view::npos) s.remove_prefix(at + 1);
  size_t end = s.find_first_of("/?#:");
  if (end != absl::string_view::npos) s = s.substr(0, end);
  absl::ConsumePrefix(&s, "www.");
  absl::ConsumeSuffix(&s, ".");
  if (s.empty() || s.find('.') == absl::string_view::npos) {
    return Invalid(type, raw, "not a domain name");
  }
  for (char c : s) {
    if (!(absl::ascii_isalnum(c) || c == '-' || c == '.')) {
      return Invalid(type, raw, "not a domain name");
    }
  }
  return std::string(s);
}

}  // namespace

std::optional<IdentifierType> FindIdentifierType(absl::string_view name) {
  for (const auto& [type, side] : kTypes) {
    if (name == type) return IdentifierType{type, side};
  }
  return std::nullopt;
}

absl::StatusOr<NormalizedValue> NormalizeIdentifier(const IdentifierType& type,
                                                    absl::string_view raw) {
  absl::string_view v = absl::StripAsciiWhitespace(raw);
  NormalizedValue out;
  if (IsBlockedValue(v)) {
    out.blocked = true;
    return out;
  }
  absl::StatusOr<std::string> value;
  if (type.name == "email") {
    value = NormalizeEmail(type, raw, v);
  } else if (type.name == "phone") {
    value = NormalizePhone(type, raw, v);
  } else if (type.name == "domain") {
    value = NormalizeDomain(type, raw, v);
  } else {
    value = std::string(v);
  }
  if (!value.ok()) return value.status();
  out.value = *std::move(value);
  out.blocked = IsBlockedValue(out.value);
  if (out.blocked) out.value.clear();
  return out;
}

absl::string_view EmailDomain(absl::string_view email) {
  size_t at = email.rfind('@');
  return at == absl::string_view::npos ? absl::string_view()
                                       : email.substr(at + 1);
}

bool IsFreeMailDomain(absl::string_view domain) {
  static const auto* kFree = new absl::flat_hash_set<std::string>{
      "gmail.com",   "googlemail.com", "yahoo.com",   "yahoo.co.uk",
      "outlook.com", "hotmail.com",    "live.com",    "msn.com",
      "aol.com",     "icloud.com",     "me.com",      "mac.com",
      "proton.me",   "protonmail.com", "gmx.com",     "gmx.de",
      "web.de",      "mail.com",       "yandex.com",  "yandex.ru",
      "zoho.com",    "qq.com",         "163.com",     "fastmail.com"};
  return kFree->contains(domain);
}

}  // namespace hub
