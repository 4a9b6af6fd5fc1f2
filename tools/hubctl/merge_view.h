// Table-format views of the merge ledger and of steward actions: what
// `hubctl profiles merge|unmerge|merges|do-not-link` print with
// `--output table`.
#ifndef HUB_TOOLS_HUBCTL_MERGE_VIEW_H_
#define HUB_TOOLS_HUBCTL_MERGE_VIEW_H_

#include <ostream>

#include "hub/v1/profile_service.pb.h"

namespace hubctl {

// One row per ledger entry: SEQ, WHEN, RULE, WINNER, LOSER, SCORE ("-" if
// none), BY (the steward, or "ingest"), RECORD ("source ENTITY id" or "-"),
// STATUS ("in effect", "undone by N", or for an unmerge "undoes N").
void PrintMergeList(const hub::v1::ListMergesResponse& response,
                    std::ostream& out);

// "profiles/3 merged into profiles/1 (ledger entry 5)".
void PrintMergeResult(const hub::v1::MergeProfilesResponse& response,
                      std::ostream& out);

// "profiles/3 split from profiles/1 (ledger entry 6 undoes 5); the two are
// kept apart".
void PrintUnmergeResult(const hub::v1::UnmergeProfileResponse& response,
                        std::ostream& out);

// "profiles/1 and profiles/3 are kept apart".
// `merges list`: a table of suggestions.
void PrintSuggestionList(const hub::v1::ListMergeSuggestionsResponse& response,
                         std::ostream& out);

// `merges accept|reject`: one line saying what was decided.
void PrintDecidedSuggestion(const hub::v1::MergeSuggestion& s, std::ostream& out);

void PrintDoNotLink(const hub::v1::DoNotLink& link, std::ostream& out);

}  // namespace hubctl

#endif  // HUB_TOOLS_HUBCTL_MERGE_VIEW_H_
