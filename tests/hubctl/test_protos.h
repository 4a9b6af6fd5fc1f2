// Hand-built Profile and SyncJob messages shared by the hubctl tests.
#ifndef HUB_TESTS_HUBCTL_TEST_PROTOS_H_
#define HUB_TESTS_HUBCTL_TEST_PROTOS_H_

#include <string>

#include "hub/v1/profile_service.pb.h"
#include "hub/v1/resources.pb.h"
#include "hub/v1/sync_service.pb.h"

namespace hubctl::testing {

// An RFC 3339 string as a Timestamp; aborts the test binary if malformed.
google::protobuf::Timestamp Time(const std::string& rfc3339);

// profiles/12 (Ana Ruiz at accounts/3): two traits, two identifiers, three
// source records, two merged names, 42 events.
hub::v1::Profile AnaProfile();

// The ledger of profiles/12, newest first: unmerge 6 (by "steward-bo")
// undoing manual merge 5 of profiles/15 (by "steward-ana"), and merge 2 of
// profiles/19 by ingest (deterministic:email, record mailchimp CONTACT m-77)
// with a score.
hub::v1::ListMergesResponse LedgerPage();

// A job of source "crm" with every counter set, in `state`.
hub::v1::SyncJob CrmJob(hub::v1::SyncJob::State state);

}  // namespace hubctl::testing

#endif  // HUB_TESTS_HUBCTL_TEST_PROTOS_H_
