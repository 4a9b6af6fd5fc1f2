// Builders of SourceRecords for tests.
#ifndef HUB_TESTS_SUPPORT_RECORDS_H_
#define HUB_TESTS_SUPPORT_RECORDS_H_

#include <initializer_list>
#include <string>
#include <utility>

#include "hub/v1/records.pb.h"

namespace hub {
namespace testing_support {

using Pairs = std::initializer_list<std::pair<std::string, std::string>>;

// A record with source/entity/external_id, updated_at = `updated` (RFC 3339),
// the given identifiers (type, value) and attributes.
hub::v1::SourceRecord MakeRecord(const std::string& source,
                                 hub::v1::EntityType entity,
                                 const std::string& external_id,
                                 const std::string& updated, Pairs identifiers,
                                 Pairs attributes = {});

// Adds a link (relation, identifier type, value).
void AddLink(hub::v1::SourceRecord* r, const std::string& relation,
             const std::string& type, const std::string& value);

// Makes `r` an activity at `occurred` with `event_type`.
void MakeActivity(hub::v1::SourceRecord* r, const std::string& occurred,
                  const std::string& event_type);

}  // namespace testing_support
}  // namespace hub

#endif  // HUB_TESTS_SUPPORT_RECORDS_H_
