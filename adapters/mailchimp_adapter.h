// MailchimpAdapter: reads a folder of Mailchimp Marketing API v3 responses
// (docs/sources.md, "mailchimp/").
#ifndef HUB_ADAPTERS_MAILCHIMP_ADAPTER_H_
#define HUB_ADAPTERS_MAILCHIMP_ADAPTER_H_

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "adapters/adapter_options.h"
#include "adapters/source_adapter.h"
#include "hub/v1/sync_service.pb.h"

namespace hub {

// Reads, in this order:
//   1. members.json: the members sorted by (last_changed, id), each mapped
//      with MapMailchimpMember (a member whose last_changed does not parse
//      sorts first);
//   2. for each campaign of campaigns.json, in file order (a repeated id is
//      read once): reports/<id>/sent-to.json, email-activity.json and
//      unsubscribed.json, mapped with MapMailchimpSentTo,
//      MapMailchimpEmailActivity and MapMailchimpUnsubscribe.
// Any of these files may be missing; it is skipped.
//
// Cursor: ";"-joined tokens (ids percent-escaped):
//   "m=<last_changed unix micros>,<n>,<member id>": the members high-water
//     mark: every member sorting before this (last_changed, id) key and the
//     first n members with exactly this key are consumed;
//   "c=<campaign id>,<sent-to>,<email-activity>,<unsubscribed>": records
//     consumed from each of the campaign's report files (one per campaign
//     with any, sorted by id).
// So a later export's members changed since the mark, new campaigns and
// records appended to a report are read by the next run. A malformed
// cursor, or one counting more records than a report file yields, is
// INVALID_ARGUMENT.
//
// A file that is not JSON (DATA_LOSS naming file, line and column) or not
// in the documented shape (DATA_LOSS naming file and item) fails the pull.
//
// Not thread-safe; one Pull at a time.
class MailchimpAdapter : public SourceAdapter {
 public:
  // Builds the adapter for `source` (kind "mailchimp"). INVALID_ARGUMENT
  // naming `path` if it is empty or not a readable directory.
  static absl::StatusOr<std::unique_ptr<SourceAdapter>> Create(
      const hub::v1::Source& source, const AdapterOptions& options);

  absl::Status Pull(const std::string& cursor, RecordSink* sink) override;

 private:
  MailchimpAdapter(std::string source, std::string path,
                   AdapterOptions options);

  std::string source_;
  std::string path_;
  AdapterOptions options_;
};

}  // namespace hub

#endif  // HUB_ADAPTERS_MAILCHIMP_ADAPTER_H_
