// The Masker, table-driven: exact masked forms, keyed hashes, classes from
// the built-in table and from config, what each role sees, scrubbed errors.
#include "hub/masking.h"

#include <fstream>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "hub/config.h"
#include "tests/support/temp_dir.h"
#include "google/protobuf/text_format.h"

namespace hub {
namespace {

hub::v1::Profile AnaProfile() {
  hub::v1::Profile p;
  p.set_name("profiles/7");
  auto trait = [&](const char* name, const char* value, hub::v1::EntityType entity,
                   const char* external_id) {
    hub::v1::Trait* t = p.add_traits();
    t->set_name(name);
    t->set_value(value);
    t->mutable_lineage()->set_source("crm");
    t->mutable_lineage()->set_entity(entity);
    t->mutable_lineage()->set_external_id(external_id);
  };
  trait("first_name", "Ana", hub::v1::CONTACT, "003A");
  trait("title", "CFO", hub::v1::CONTACT, "003A");
  trait("shoe_size", "38", hub::v1::CONTACT, "003A");
  auto id = [&](const char* type, const char* value) {
    hub::v1::ProfileIdentifier* i = p.add_identifiers();
    i->set_type(type);
    i->set_value(value);
  };
  id("email", "ana.ruiz@acme.example");
  id("phone", "+14155550123");
  id("salesforce.contact_id", "003A");
  id("zendesk.user_id", "90012345678");
  hub::v1::SourceRecordRef* r = p.add_source_records();
  r->set_source("crm");
  r->set_entity(hub::v1::CONTACT);
  r->set_external_id("003A");
  return p;
}

TEST(MaskValueTest, KeepsTheFirstCharacterAndWhatIsNotPersonal) {
  EXPECT_EQ(MaskValue("ana.ruiz@acme.example"), "a***@acme.example");
  EXPECT_EQ(MaskValue("Z@x.example"), "Z***@x.example");
  EXPECT_EQ(MaskValue("+14155550123"), "+*********23");
  EXPECT_EQ(MaskValue("(415) 555-0123"), "(***) ***-**23");
  EXPECT_EQ(MaskValue("Ana"), "A***");
  EXPECT_EQ(MaskValue("Ñandú"), "Ñ***");
  EXPECT_EQ(MaskValue("123456"), "1***");  // too short for a phone
  EXPECT_EQ(MaskValue("a@b@c"), "a***");   // not one '@'
  EXPECT_EQ(MaskValue("@acme.example"), "@***");
  EXPECT_EQ(MaskValue(""), "");
  // By field: the phone form only where the name says phone.
  EXPECT_EQ(MaskField("phone", "+14155550123"), "+*********23");
  EXPECT_EQ(MaskField("mobile_phone", "415.555.0123"), "***.***.**23");
  EXPECT_EQ(MaskField("zendesk.user_id", "90012345678"), "9***");
  EXPECT_EQ(MaskField("comment", "ana.ruiz@acme.example"), "a***@acme.example");
}

TEST(KeyedHashTest, StablePerKeyAndUnrelatedAcrossKeys) {
  const std::string h = KeyedHash("key-1", "ana.ruiz@acme.example");
  ASSERT_EQ(h.size(), 5u + 16u);
  EXPECT_EQ(h.substr(0, 5), "hmac:");
  EXPECT_EQ(h.find_first_not_of("0123456789abcdef", 5), std::string::npos) << h;
  EXPECT_EQ(KeyedHash("key-1", "ana.ruiz@acme.example"), h);
  EXPECT_NE(KeyedHash("key-2", "ana.ruiz@acme.example"), h);
  EXPECT_NE(KeyedHash("key-1", "bob@acme.example"), h);
  // HMAC-SHA256("key", "The quick brown fox jumps over the lazy dog") =
  // f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8
  EXPECT_EQ(KeyedHash("key", "The quick brown fox jumps over the lazy dog"),
            "hmac:f7bc83f430538424");
}

TEST(ClassificationTest, BuiltInTableAndUnknownFieldsArePersonal) {
  Classification c;
  EXPECT_EQ(c.Of(FieldKind::kIdentifier, "email"), FieldClass::kPersonal);
  EXPECT_EQ(c.Of(FieldKind::kIdentifier, "phone"), FieldClass::kPersonal);
  EXPECT_EQ(c.Of(FieldKind::kIdentifier, "segment.anonymous_id"), FieldClass::kPersonal);
  EXPECT_EQ(c.Of(FieldKind::kIdentifier, "domain"), FieldClass::kPublic);
  EXPECT_EQ(c.Of(FieldKind::kIdentifier, "salesforce.account_id"), FieldClass::kPublic);
  EXPECT_EQ(c.Of(FieldKind::kTrait, "first_name"), FieldClass::kPersonal);
  EXPECT_EQ(c.Of(FieldKind::kTrait, "title"), FieldClass::kPublic);
  EXPECT_EQ(c.Of(FieldKind::kTrait, "shoe_size"), FieldClass::kPersonal);
  EXPECT_EQ(c.Of(FieldKind::kAccountTrait, "name"), FieldClass::kPublic);
  EXPECT_EQ(c.Of(FieldKind::kAccountTrait, "phone"), FieldClass::kPersonal);
  EXPECT_EQ(c.Of(FieldKind::kEventProperty, "campaign_id"), FieldClass::kPublic);
  EXPECT_EQ(c.Of(FieldKind::kEventProperty, "page_url"), FieldClass::kPersonal);
  EXPECT_EQ(c.Of(FieldKind::kEventProperty, "email"), FieldClass::kPersonal);
  EXPECT_EQ(c.Of(FieldKind::kRecordId, "CONTACT"), FieldClass::kPersonal);
  EXPECT_EQ(c.Of(FieldKind::kRecordId, "ACCOUNT"), FieldClass::kPublic);
}

TEST(ClassificationTest, ConfigReplacesTheBuiltInClass) {
  hub::v1::ClassificationConfig config;
  ASSERT_TRUE(google::protobuf::TextFormat::ParseFromString(R"pb(
    traits { key: "title" value: "sensitive" }
    traits { key: "shoe_size" value: "public" }
    identifiers { key: "email" value: "sensitive" }
    account_traits { key: "region" value: "personal" }
    event_properties { key: "page_url" value: "public" }
    record_ids { key: "CONTACT" value: "public" }
  )pb", &config));
  absl::StatusOr<Classification> c = Classification::FromConfig(config);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->Of(FieldKind::kTrait, "title"), FieldClass::kSensitive);
  EXPECT_EQ(c->Of(FieldKind::kTrait, "shoe_size"), FieldClass::kPublic);
  EXPECT_EQ(c->Of(FieldKind::kTrait, "first_name"), FieldClass::kPersonal);
  EXPECT_EQ(c->Of(FieldKind::kIdentifier, "email"), FieldClass::kSensitive);
  EXPECT_EQ(c->Of(FieldKind::kAccountTrait, "region"), FieldClass::kPersonal);
  EXPECT_EQ(c->Of(FieldKind::kEventProperty, "page_url"), FieldClass::kPublic);
  EXPECT_EQ(c->Of(FieldKind::kRecordId, "CONTACT"), FieldClass::kPublic);
}

TEST(ClassificationTest, BadEntriesAreRefusedNamingTheEntry) {
  const std::pair<const char*, const char*> cases[] = {
      {R"pb(traits { key: "title" value: "secret" })pb",
       "classification.traits[\"title\"]: \"secret\" is not a class; use public, personal or "
       "sensitive"},
      {R"pb(identifiers { key: "shoe_size" value: "public" })pb",
       "classification.identifiers[\"shoe_size\"]: unknown identifier type \"shoe_size\""},
      {R"pb(record_ids { key: "contact" value: "public" })pb",
       "classification.record_ids[\"contact\"]: \"contact\" is not an entity type (CONTACT, "
       "LEAD, ACCOUNT, ...)"},
      {R"pb(event_properties { key: "" value: "public" })pb",
       "classification.event_properties[\"\"]: empty name"},
      {R"pb(read_audit_interval_ms: -1)pb",
       "classification.read_audit_interval_ms: must not be negative, got -1"},
  };
  for (const auto& [text, message] : cases) {
    hub::v1::ClassificationConfig config;
    ASSERT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &config)) << text;
    absl::StatusOr<Classification> c = Classification::FromConfig(config);
    EXPECT_EQ(c.status().code(), absl::StatusCode::kInvalidArgument) << text;
    EXPECT_EQ(c.status().message(), message);
  }
}

TEST(ClassificationTest, LoadConfigRefusesAnUnknownClassNamingTheField) {
  testing_support::TempDir dir;
  std::ofstream(dir.File("c.textproto"))
      << "classification { traits { key: \"first_name\" value: \"confidential\" } }\n";
  absl::StatusOr<hub::v1::HubConfig> bad = LoadConfig(dir.File("c.textproto"));
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(bad.status().message(),
            dir.File("c.textproto") +
                ": classification.traits[\"first_name\"]: \"confidential\" is not a class; use "
                "public, personal or sensitive");
}

TEST(TreatmentTest, EachRoleSeesEachClassAsTheTableSays) {
  using C = FieldClass;
  using T = Treatment;
  const std::tuple<const char*, T, T, T> table[] = {
      {"admin", T::kRaw, T::kRaw, T::kRaw},
      {"steward", T::kRaw, T::kRaw, T::kRaw},
      {"service", T::kRaw, T::kRaw, T::kHashed},
      {"analyst", T::kRaw, T::kMasked, T::kHashed},
      {"sync", T::kRaw, T::kMasked, T::kHashed},
  };
  for (const auto& [role, pub, per, sen] : table) {
    EXPECT_EQ(TreatmentOf(role, C::kPublic), pub) << role;
    EXPECT_EQ(TreatmentOf(role, C::kPersonal), per) << role;
    EXPECT_EQ(TreatmentOf(role, C::kSensitive), sen) << role;
  }
}

TEST(MaskerTest, AnAnalystSeesMaskedPersonalDataAndNothingIsAudited) {
  Masker masker(Classification(), "k");
  hub::v1::Profile p = AnaProfile();
  EXPECT_TRUE(masker.Apply("analyst", &p).empty());
  EXPECT_EQ(p.traits(0).value(), "A***");
  EXPECT_EQ(p.traits(0).lineage().external_id(), "0***");
  EXPECT_EQ(p.traits(1).value(), "CFO");
  EXPECT_EQ(p.traits(2).value(), "3***");  // unknown: personal
  EXPECT_EQ(p.identifiers(0).value(), "a***@acme.example");
  EXPECT_EQ(p.identifiers(1).value(), "+*********23");
  EXPECT_EQ(p.identifiers(2).value(), "0***");
  EXPECT_EQ(p.identifiers(3).value(), "9***");  // a numeric id is not a phone
  EXPECT_EQ(p.source_records(0).external_id(), "0***");
  EXPECT_EQ(p.name(), "profiles/7");
}

TEST(MaskerTest, AdminAndServiceReadRawAndAreAudited) {
  hub::v1::ClassificationConfig config;
  (*config.mutable_traits())["title"] = "sensitive";
  Masker masker(*Classification::FromConfig(config), "k");
  hub::v1::Profile admin = AnaProfile();
  EXPECT_EQ(masker.Apply("admin", &admin), std::vector<std::string>{"profiles/7"});
  EXPECT_EQ(admin.SerializeAsString(), AnaProfile().SerializeAsString());
  hub::v1::Profile service = AnaProfile();
  EXPECT_EQ(masker.Apply("service", &service), std::vector<std::string>{"profiles/7"});
  EXPECT_EQ(service.traits(0).value(), "Ana");
  EXPECT_EQ(service.traits(1).value(), KeyedHash("k", "CFO"));
  EXPECT_EQ(service.identifiers(0).value(), "ana.ruiz@acme.example");
  hub::v1::Profile analyst = AnaProfile();
  masker.Apply("analyst", &analyst);
  EXPECT_EQ(analyst.traits(1).value(), KeyedHash("k", "CFO"));
}

TEST(MaskerTest, OnlyPublicDataIsNotAnAuditedRead) {
  Masker masker(Classification(), "k");
  hub::v1::Account a;
  a.set_name("accounts/3");
  hub::v1::Trait* t = a.add_traits();
  t->set_name("industry");
  t->set_value("Software");
  EXPECT_TRUE(masker.Apply("admin", &a).empty());
  t = a.add_traits();
  t->set_name("phone");
  t->set_value("+14155550100");
  EXPECT_EQ(masker.Apply("admin", &a), std::vector<std::string>{"accounts/3"});
  masker.Apply("analyst", &a);
  EXPECT_EQ(a.traits(0).value(), "Software");
  EXPECT_EQ(a.traits(1).value(), "+*********00");
}

TEST(MaskerTest, EventsMaskTheirPropertiesAndIds) {
  Masker masker(Classification(), "k");
  hub::v1::ListProfileEventsResponse events;
  hub::v1::Event* e = events.add_events();
  e->set_entity(hub::v1::EMAIL_ACTIVITY);
  e->set_external_id("c1:m1:open");
  e->set_profile("profiles/7");
  (*e->mutable_properties())["campaign_id"] = "c1";
  (*e->mutable_properties())["email"] = "ana.ruiz@acme.example";
  hub::v1::ListProfileEventsResponse raw = events;
  EXPECT_EQ(masker.Apply("service", &raw), std::vector<std::string>{"profiles/7"});
  masker.Apply("analyst", &events);
  EXPECT_EQ(e->external_id(), "c***");
  EXPECT_EQ(e->properties().at("campaign_id"), "c1");
  EXPECT_EQ(e->properties().at("email"), "a***@acme.example");
}

TEST(MaskerTest, ErrorsToMaskedRolesEchoNoRawValue) {
  Masker masker(Classification(), "k");
  hub::v1::LookupProfileRequest req;
  req.set_identifier_type("email");
  req.set_identifier_value(" Ana.Ruiz@ACME.example ");
  const absl::Status not_found =
      absl::NotFoundError("no profile has email \"ana.ruiz@acme.example\"");
  EXPECT_EQ(masker.ScrubError("analyst", not_found, req).message(),
            "no profile has email \"a***@acme.example\"");
  EXPECT_EQ(masker.ScrubError("admin", not_found, req), not_found);
  EXPECT_EQ(masker.ScrubError("service", not_found, req), not_found);
  req.set_identifier_type("phone");
  req.set_identifier_value("(415) 555-0123");
  EXPECT_EQ(masker
                .ScrubError("analyst",
                            absl::NotFoundError("no profile has phone \"+14155550123\" "
                                                "(asked: \"(415) 555-0123\")"),
                            req)
                .message(),
            "no profile has phone \"+*********23\" (asked: \"(***) ***-**23\")");
  // Not an echo of the request, still a word holding an '@'.
  EXPECT_EQ(masker.ScrubError("analyst", absl::InternalError("bob@x.example: boom"), req)
                .message(),
            "b***@x.example: boom");
  hub::v1::GetProfileRequest get;
  get.set_name("profiles/ana");
  const absl::Status bad = absl::InvalidArgumentError("name: \"profiles/ana\" is not ...");
  EXPECT_EQ(masker.ScrubError("analyst", bad, get).message(), "name: \"p***\" is not ...");
  EXPECT_TRUE(masker.ScrubError("analyst", absl::OkStatus(), get).ok());
}

TEST(MaskerTest, MaskedRolesMayNotFilterByAnAccountTraitThatIsNotPublic) {
  hub::v1::ClassificationConfig config;
  (*config.mutable_account_traits())["region"] = "personal";
  Masker masker(*Classification::FromConfig(config), "k");
  EXPECT_TRUE(masker.CheckAccountTraitFilter("analyst", "industry", "segment").ok());
  EXPECT_TRUE(masker.CheckAccountTraitFilter("admin", "region", "segment").ok());
  absl::Status s = masker.CheckAccountTraitFilter("analyst", "region", "segment");
  EXPECT_EQ(s.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(s.message(),
            "segment: account trait \"region\" is personal; role \"analyst\" may not filter or "
            "group by it");
}

}  // namespace
}  // namespace hub
