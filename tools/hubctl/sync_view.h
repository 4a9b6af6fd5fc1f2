// Table-format views of sources and sync jobs: what `hubctl sources ...` and
// `hubctl sync ...` print with `--output table`.
#ifndef HUB_TOOLS_HUBCTL_SYNC_VIEW_H_
#define HUB_TOOLS_HUBCTL_SYNC_VIEW_H_

#include <ostream>
#include <string>

#include "hub/v1/sync_service.pb.h"

namespace hubctl {

// Writes one source as labelled fields under a "Source <name>" header.
void PrintSource(const hub::v1::Source& source, std::ostream& out);

// One row per source: NAME, KIND, PATH, CREATED.
void PrintSourceList(const hub::v1::ListSourcesResponse& response,
                     std::ostream& out);

// Writes one job as labelled fields: state, times, every counter and, when
// set, the error.
void PrintSyncJob(const hub::v1::SyncJob& job, std::ostream& out);

// One row per job: NAME, STATE, READ, INGESTED, UNCHANGED, QUARANTINED,
// PROFILES, ACCOUNTS, MERGES, CREATED, ENDED.
void PrintSyncJobList(const hub::v1::ListSyncJobsResponse& response,
                      std::ostream& out);

// The state's name ("RUNNING"), or the number for an unknown value.
std::string SyncJobStateName(hub::v1::SyncJob::State state);

// A one-line summary of a job's progress, without a newline:
// "sources/crm/syncJobs/3 RUNNING  read 120  ingested 100  unchanged 15
// quarantined 5  profiles 80  accounts 9  merges 2".
std::string SyncProgressLine(const hub::v1::SyncJob& job);

}  // namespace hubctl

#endif  // HUB_TOOLS_HUBCTL_SYNC_VIEW_H_
