#include "tests/support/records.h"

#include "profile/base/time_util.h"

namespace hub {
namespace testing_support {

hub::v1::SourceRecord MakeRecord(const std::string& source,
                                 hub::v1::EntityType entity,
                                 const std::string& external_id,
                                 const std::string& updated, Pairs identifiers,
                                 Pairs attributes) {
  hub::v1::SourceRecord r;
  r.set_source(source);
  r.set_entity(entity);
  r.set_external_id(external_id);
  *r.mutable_updated_at() = ToProtoTime(*ParseTimestamp(updated));
  for (const auto& [type, value] : identifiers) {
    hub::v1::Identifier* id = r.add_identifiers();
    id->set_type(type);
    id->set_value(value);
  }
  for (const auto& [k, v] : attributes) (*r.mutable_attributes())[k] = v;
  return r;
}

void AddLink(hub::v1::SourceRecord* r, const std::string& relation,
             const std::string& type, const std::string& value) {
  hub::v1::Link* link = r->add_links();
  link->set_relation(relation);
  link->mutable_target()->set_type(type);
  link->mutable_target()->set_value(value);
}

void MakeActivity(hub::v1::SourceRecord* r, const std::string& occurred,
                  const std::string& event_type) {
  *r->mutable_occurred_at() = ToProtoTime(*ParseTimestamp(occurred));
  r->set_event_type(event_type);
}

}  // namespace testing_support
}  // namespace hub
