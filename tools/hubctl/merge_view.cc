#include "tools/hubctl/merge_view.h"

#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "tools/hubctl/format.h"
#include "tools/hubctl/table.h"

namespace hubctl {
namespace {

std::string Status(const hub::v1::MergeLedgerEntry& e) {
  if (e.undoes() != 0) return absl::StrCat("undoes ", e.undoes());
  if (e.undone_by() != 0) return absl::StrCat("undone by ", e.undone_by());
  return "in effect";
}

std::string Record(const hub::v1::MergeLedgerEntry& e) {
  if (!e.has_source_record()) return "-";
  const hub::v1::SourceRecordRef& r = e.source_record();
  return absl::StrCat(r.source(), " ", EntityTypeName(r.entity()), " ",
                      r.external_id());
}

}  // namespace

void PrintMergeList(const hub::v1::ListMergesResponse& response,
                    std::ostream& out) {
  Table table({"SEQ", "WHEN", "RULE", "WINNER", "LOSER", "SCORE", "BY",
               "RECORD", "STATUS"});
  for (const auto& e : response.entries()) {
    table.AddRow({absl::StrCat(e.sequence()), FormatTimestamp(e.create_time()),
                  e.rule(), e.winner(), e.loser(),
                  e.has_score() ? absl::StrCat(e.score()) : "-",
                  e.actor().empty() ? "ingest" : e.actor(), Record(e),
                  Status(e)});
  }
  table.Print(out);
}

void PrintMergeResult(const hub::v1::MergeProfilesResponse& response,
                      std::ostream& out) {
  out << EscapeForTerminal(response.entry().loser()) << " merged into "
      << EscapeForTerminal(response.survivor()) << " (ledger entry "
      << response.entry().sequence() << ")\n";
}

void PrintUnmergeResult(const hub::v1::UnmergeProfileResponse& response,
                        std::ostream& out) {
  out << EscapeForTerminal(response.restored()) << " split from "
      << EscapeForTerminal(response.name()) << " (ledger entry "
      << response.entry().sequence() << " undoes " << response.entry().undoes()
      << "); the two are kept apart\n";
}

void PrintSuggestionList(const hub::v1::ListMergeSuggestionsResponse& response,
                         std::ostream& out) {
  Table table({"SUGGESTION", "WHEN", "PROFILE", "OTHER", "SCORE", "STATE", "BY",
               "WHY"});
  for (const auto& s : response.suggestions()) {
    table.AddRow({s.name(), FormatTimestamp(s.create_time()), s.profile(),
                  s.other_profile(), absl::StrFormat("%.4f", s.score()),
                  absl::AsciiStrToLower(hub::v1::MergeSuggestion::State_Name(s.state())),
                  s.actor().empty() ? "-" : s.actor(), s.explanation()});
  }
  table.Print(out);
}

void PrintDecidedSuggestion(const hub::v1::MergeSuggestion& s, std::ostream& out) {
  const bool accepted = s.state() == hub::v1::MergeSuggestion::ACCEPTED;
  out << EscapeForTerminal(s.name()) << (accepted ? " accepted: " : " rejected: ")
      << EscapeForTerminal(s.profile()) << " and " << EscapeForTerminal(s.other_profile())
      << (accepted ? " are merged\n" : " are kept apart\n");
}

void PrintDoNotLink(const hub::v1::DoNotLink& link, std::ostream& out) {
  out << EscapeForTerminal(link.name()) << " and "
      << EscapeForTerminal(link.other_name()) << " are kept apart\n";
}

}  // namespace hubctl
