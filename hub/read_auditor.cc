#include "hub/read_auditor.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "hub/log.h"
#include "profile/base/status_macros.h"
#include "profile/base/time_util.h"

namespace hub {

ReadAuditor::ReadAuditor(Store* store, ReadAuditOptions options)
    : store_(store), options_(options) {
  if (options_.interval <= absl::ZeroDuration()) return;
  flusher_ = std::thread([this] {
    while (!stop_.WaitForNotificationWithTimeout(options_.interval)) {
      absl::Status s = Flush();
      if (!s.ok()) LogJson("error", "read audit flush failed", {{"error", s.ToString()}});
    }
  });
}

ReadAuditor::~ReadAuditor() { Stop(); }

void ReadAuditor::Record(const Principal& who, absl::string_view method,
                         const std::vector<std::string>& names) {
  if (names.empty()) return;
  Reads reads;
  reads.calls = 1;
  reads.resources = static_cast<int64_t>(names.size());
  reads.listed = names;
  reads.first_us = absl::ToUnixMicros(absl::Now());
  absl::MutexLock lock(&mu_);
  Add(Key{who.name, who.role, std::string(method)}, reads);
}

void ReadAuditor::Add(const Key& key, const Reads& more) {
  Reads& r = pending_[key];
  r.first_us = r.calls == 0 ? more.first_us : std::min(r.first_us, more.first_us);
  r.calls += more.calls;
  r.resources += more.resources;
  r.truncated = r.truncated || more.truncated;
  for (const std::string& name : more.listed) {
    if (r.seen.contains(name)) continue;
    if (r.listed.size() >= options_.max_names) {
      r.truncated = true;
      continue;
    }
    r.seen.insert(name);
    r.listed.push_back(name);
  }
}

std::string ReadAuditor::Details(const Reads& reads) {
  std::string out = absl::StrCat(reads.calls, reads.calls == 1 ? " call" : " calls", " read ",
                                 reads.resources, reads.resources == 1 ? " resource" : " resources",
                                 " unmasked since ",
                                 FormatTimestamp(absl::FromUnixMicros(reads.first_us)), ": ",
                                 absl::StrJoin(reads.listed, ", "));
  if (reads.truncated) absl::StrAppend(&out, ", ... (first ", reads.listed.size(), " listed)");
  return out;
}

absl::Status ReadAuditor::Write(const std::map<Key, Reads>& batch) {
  HUB_ASSIGN_OR_RETURN(std::unique_ptr<WriteTransaction> tx, store_->BeginWrite());
  for (const auto& [key, reads] : batch) {
    AuditEntry entry;
    entry.actor = Actor{std::get<0>(key), std::get<1>(key), "", ""};
    entry.action = "ReadUnmasked";
    entry.target = std::get<2>(key);
    entry.details = Details(reads);
    HUB_RETURN_IF_ERROR(tx->AppendAudit(std::move(entry)).status());
  }
  return tx->Commit();
}

absl::Status ReadAuditor::Flush() {
  absl::MutexLock flush(&flush_mu_);
  std::map<Key, Reads> batch;
  {
    absl::MutexLock lock(&mu_);
    batch.swap(pending_);
  }
  if (batch.empty()) return absl::OkStatus();
  absl::Status s = Write(batch);
  if (!s.ok()) {  // keep them for the next flush
    absl::MutexLock lock(&mu_);
    for (const auto& [key, reads] : batch) Add(key, reads);
  }
  return s;
}

void ReadAuditor::Stop() {
  {
    absl::MutexLock lock(&mu_);
    if (stopped_) return;
    stopped_ = true;
  }
  stop_.Notify();
  if (flusher_.joinable()) flusher_.join();
  absl::Status s = Flush();
  if (!s.ok()) LogJson("error", "read audit flush failed", {{"error", s.ToString()}});
}

}  // namespace hub
