#include "profile/ingest/validator.h"

#include "gtest/gtest.h"
#include "profile/base/time_util.h"
#include "tests/support/records.h"

namespace hub {
namespace {

using testing_support::AddLink;
using testing_support::MakeActivity;
using testing_support::MakeRecord;

const absl::Time kNow = absl::FromUnixSeconds(1735689600);  // 2025-01-01

std::string Reason(const hub::v1::SourceRecord& r) {
  absl::StatusOr<ValidatedRecord> v = ValidateRecord(r, kNow);
  return v.ok() ? "OK" : std::string(v.status().message());
}

hub::v1::SourceRecord Contact() {
  return MakeRecord("salesforce", hub::v1::CONTACT, "003A", "2024-05-02T09:15:00Z",
                    {{"email", " Ana@Acme.example "}, {"salesforce.contact_id", "003A"}});
}

TEST(ValidatorTest, NormalisesAndDeduplicatesIdentifiers) {
  hub::v1::SourceRecord r = Contact();
  hub::v1::Identifier* dup = r.add_identifiers();
  dup->set_type("email");
  dup->set_value("ana@acme.example");
  hub::v1::Identifier* blocked = r.add_identifiers();
  blocked->set_type("phone");
  blocked->set_value("null");
  AddLink(&r, "account", "salesforce.account_id", "001X");
  absl::StatusOr<ValidatedRecord> v = ValidateRecord(r, kNow);
  ASSERT_TRUE(v.ok()) << v.status();
  ASSERT_EQ(v->identifiers.size(), 2u);
  EXPECT_EQ(v->identifiers[0].value, "ana@acme.example");
  EXPECT_EQ(v->identifiers[1].type, "salesforce.contact_id");
  ASSERT_EQ(v->links.size(), 1u);
  EXPECT_EQ(v->links[0].target.side, Side::kAccount);
}

TEST(ValidatorTest, ReasonsNameTheField) {
  hub::v1::SourceRecord r = Contact();
  r.clear_external_id();
  EXPECT_EQ(Reason(r), "external_id: required");
  r = Contact();
  r.mutable_identifiers(0)->set_value("ana.acme.example");
  EXPECT_EQ(Reason(r), "identifiers[0]: invalid email \"ana.acme.example\": "
                       "expected exactly one '@' after a local part");
  r = Contact();
  r.mutable_identifiers(1)->set_type("shoe_size");
  EXPECT_EQ(Reason(r), "identifiers[1]: unknown identifier type \"shoe_size\"");
  r = Contact();
  r.clear_updated_at();
  EXPECT_EQ(Reason(r), "updated_at: required");
  r = Contact();
  (*r.mutable_attributes())["_invalid_updated_at"] = "2024-13-45T99:00:00.000Z";
  EXPECT_EQ(Reason(r), "updated_at: invalid timestamp \"2024-13-45T99:00:00.000Z\"");
  r = Contact();
  *r.mutable_updated_at() = ToProtoTime(kNow + absl::Hours(48));
  EXPECT_EQ(Reason(r), "updated_at: timestamp 2025-01-03T00:00:00.000000Z is "
                       "outside [1970-01-01, now + 1 day]");
  r = Contact();
  r.set_entity(hub::v1::ENTITY_TYPE_UNSPECIFIED);
  EXPECT_EQ(Reason(r), "entity: required");
  r = Contact();
  (*r.mutable_attributes())["bio"] = std::string("\xff\xfe", 2);
  EXPECT_EQ(Reason(r), "attributes[bio]: invalid UTF-8");
}

TEST(ValidatorTest, EveryStringMustBeUtf8ProtobufCanReadBack) {
  hub::v1::SourceRecord r = Contact();
  (*r.mutable_attributes())["name"] = std::string("\xc0\x80", 2);  // overlong NUL
  EXPECT_EQ(Reason(r), "attributes[name]: invalid UTF-8");
  r = Contact();
  (*r.mutable_attributes())["name"] = std::string("\xed\xa0\x80", 3);  // surrogate
  EXPECT_EQ(Reason(r), "attributes[name]: invalid UTF-8");
  r = Contact();
  r.mutable_identifiers(1)->set_value(std::string("003\xff", 4));
  EXPECT_EQ(Reason(r), "identifiers[1].value: invalid UTF-8");
  r = Contact();
  r.mutable_identifiers(1)->set_value(std::string(2000, 'x'));
  EXPECT_EQ(Reason(r), "identifiers[1].value: value of 2000 bytes exceeds 1024");
  r = Contact();
  r.set_source(std::string("crm\xfe", 4));
  EXPECT_EQ(Reason(r), "source: invalid UTF-8");
  r = Contact();
  (*r.mutable_attributes())["title"] = "Jefe de producción \xe2\x9c\x93";
  EXPECT_EQ(Reason(r), "OK");
}

TEST(ValidatorTest, SanitizeReplacesInvalidBytes) {
  hub::v1::SourceRecord r = Contact();
  r.set_external_id(std::string("a\xff" "b", 3));
  (*r.mutable_attributes())[std::string("k\xfe", 2)] = "ok";
  SanitizeUtf8(&r);
  EXPECT_EQ(r.external_id(), "a\xEF\xBF\xBD" "b");
  EXPECT_EQ(r.attributes().at("k\xEF\xBF\xBD"), "ok");
  std::string bytes;
  ASSERT_TRUE(r.SerializeToString(&bytes));
  hub::v1::SourceRecord back;
  EXPECT_TRUE(back.ParseFromString(bytes));
}

TEST(ValidatorTest, SidesAndLinksAreChecked) {
  hub::v1::SourceRecord r = Contact();
  hub::v1::Identifier* d = r.add_identifiers();
  d->set_type("domain");
  d->set_value("acme.example");
  EXPECT_EQ(Reason(r), "identifiers[2]: identifier type \"domain\" does not "
                       "identify a CONTACT; use a link");
  r = Contact();
  AddLink(&r, "account", "email", "x@y.example");
  EXPECT_EQ(Reason(r), "links[0]: identifier type \"email\" cannot target a account");
  r = Contact();
  AddLink(&r, "boss", "email", "x@y.example");
  EXPECT_EQ(Reason(r), "links[0]: unknown relation \"boss\"");
}

TEST(ValidatorTest, ActivitiesNeedOccurredAtAndAPerson) {
  hub::v1::SourceRecord a = MakeRecord("ga4", hub::v1::WEB_EVENT, "e1",
                                       "2024-05-02T09:15:00Z", {{"ga4.user_pseudo_id", "p1"}});
  EXPECT_EQ(Reason(a), "occurred_at: required for activities");
  MakeActivity(&a, "2024-05-02T09:15:00Z", "page_view");
  EXPECT_EQ(Reason(a), "OK");
  a.mutable_identifiers(0)->set_value("undefined");
  EXPECT_EQ(Reason(a), "identifiers: no usable identifier to resolve a person");
}

TEST(ValidatorTest, ATombstoneNeedsNoEventTime) {
  // Salesforce getDeleted names a deleted opportunity by id and date only.
  hub::v1::SourceRecord gone = MakeRecord("salesforce", hub::v1::OPPORTUNITY, "006A",
                                          "2024-05-02T09:15:00Z", {});
  EXPECT_EQ(Reason(gone), "occurred_at: required for activities");
  gone.set_deleted(true);
  EXPECT_EQ(Reason(gone), "OK");
}

}  // namespace
}  // namespace hub
