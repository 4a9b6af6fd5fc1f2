// Hand-built Profile, SyncJob, stage, funnel, stage-metric and customer-value
// messages shared by the hubctl tests.
#ifndef HUB_TESTS_HUBCTL_TEST_PROTOS_H_
#define HUB_TESTS_HUBCTL_TEST_PROTOS_H_

#include <string>

#include "hub/v1/metrics_service.pb.h"
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

// The stage history of profiles/12, now in CONVERT: ATTRACT and CAPTURE
// entered together on 2024-01-10T08:00:00Z (ATTRACT left at once), NURTURE on
// 2024-02-01T09:00:00Z, CONVERT on 2024-03-01T21:00:00Z and not left.
hub::v1::ListStageTransitionsResponse AnaStages();

// A persons' funnel over March 2024 for segment "industry=Software &
// <Services>", window 90 days: ATTRACT 1200 (800/1200, median 2 days),
// CAPTURE 800 (240/800, median 12.5), NURTURE 240 (60/240, median 30),
// CONVERT 0 (0/0: rate and median absent), EXPAND 45 (median absent).
hub::v1::Funnel MarchFunnel();

// March 2024's stage metrics, no segment: ATTRACT anonymous_visitors 1200,
// page_views 5400, visitor_to_lead_rate 800/1200; CAPTURE new_leads 800,
// lead_to_mql_rate 240/800; NURTURE sends 1000, unique_open_rate 450/980,
// bounce_rate 20/1000; CONVERT opportunities_created 4, win_rate 0/0 (value
// absent), closed_won_revenue 84500.5, average_deal_size and
// median_sales_cycle_days absent; EXPAND churn_rate 2/40, nps 20/80 (25
// points), csat 45/50. customer_campaign_open_rate is unavailable.
hub::v1::StageMetrics MarchStageMetrics();

// Customer value over March 2024 at margin 0.75: overall 40 accounts,
// revenue 120000, 4 churned, 3000 per account, CLV 22500; industry=Retail
// (CLV 45000, rank 1), industry=Software (12500, rank 2), industry=Health (no
// account at the start: per-account and CLV absent, rank 3), tier=1 (none
// churned: CLV absent, rank 1).
hub::v1::CustomerValue MarchCustomerValue();

}  // namespace hubctl::testing

#endif  // HUB_TESTS_HUBCTL_TEST_PROTOS_H_
