// Table-format views of profiles and accounts: what `hubctl profiles ...` and
// `hubctl accounts ...` print with `--output table`.
#ifndef HUB_TOOLS_HUBCTL_PROFILE_VIEW_H_
#define HUB_TOOLS_HUBCTL_PROFILE_VIEW_H_

#include <ostream>

#include "hub/v1/profile_service.pb.h"
#include "hub/v1/resources.pb.h"

namespace hubctl {

// Writes the unified view of one profile: a header with its name, account,
// merged names, times and event count; then its traits, each as
// `name = value  (source ENTITY external_id, observed_at, rule)`; its
// identifiers; and the source records merged into it (lineage).
void PrintProfile(const hub::v1::Profile& profile, std::ostream& out);

// As PrintProfile, for an account (member count instead of account).
void PrintAccount(const hub::v1::Account& account, std::ostream& out);

// One row per profile: NAME, ACCOUNT, PERSON (first and last name traits),
// EMAIL, EVENTS, UPDATED.
void PrintProfileList(const hub::v1::ListProfilesResponse& response,
                      std::ostream& out);

// One row per account: NAME, COMPANY (the `name` trait), DOMAIN, MEMBERS,
// UPDATED.
// The refused identity links as a table (identifier, holder, target,
// reason, record).
void PrintRefusalList(const hub::v1::ListIdentityRefusalsResponse& response,
                      std::ostream& out);

void PrintAccountList(const hub::v1::ListAccountsResponse& response,
                      std::ostream& out);

// One row per event: OCCURRED, TYPE, SOURCE, ENTITY, EXTERNAL ID,
// PROPERTIES (sorted "key=value" pairs). A deleted event's type is marked
// "(deleted)".
void PrintEventList(const hub::v1::ListProfileEventsResponse& response,
                    std::ostream& out);

}  // namespace hubctl

#endif  // HUB_TOOLS_HUBCTL_PROFILE_VIEW_H_
