#include "profile/identity/identifier.h"

#include "gtest/gtest.h"

namespace hub {
namespace {

std::string Norm(const std::string& type, const std::string& raw) {
  absl::StatusOr<NormalizedValue> v =
      NormalizeIdentifier(*FindIdentifierType(type), raw);
  if (!v.ok()) return "ERROR: " + std::string(v.status().message());
  return v->blocked ? "BLOCKED" : v->value;
}

TEST(IdentifierTest, KnownTypesHaveSides) {
  EXPECT_EQ(FindIdentifierType("email")->side, Side::kPerson);
  EXPECT_EQ(FindIdentifierType("domain")->side, Side::kAccount);
  EXPECT_EQ(FindIdentifierType("salesforce.account_id")->side, Side::kAccount);
  EXPECT_FALSE(FindIdentifierType("shoe_size").has_value());
}

TEST(IdentifierTest, EmailIsTrimmedAndLowerCased) {
  EXPECT_EQ(Norm("email", "  Ana.Ruiz@ACME.example \t"), "ana.ruiz@acme.example");
}

TEST(IdentifierTest, MalformedEmailsAreErrorsNamingTheValue) {
  EXPECT_EQ(Norm("email", "ana.ruiz.acme.example"),
            "ERROR: invalid email \"ana.ruiz.acme.example\": expected exactly "
            "one '@' after a local part");
  EXPECT_EQ(Norm("email", "a@b@c.example").substr(0, 6), "ERROR:");
  EXPECT_EQ(Norm("email", "ana@localhost"),
            "ERROR: invalid email \"ana@localhost\": domain needs a dot");
  EXPECT_EQ(Norm("email", "an a@x.example").substr(0, 6), "ERROR:");
}

TEST(IdentifierTest, PlaceholdersAreBlocked) {
  EXPECT_EQ(Norm("email", "test@test.com"), "BLOCKED");
  EXPECT_EQ(Norm("user_id", "null"), "BLOCKED");
  EXPECT_EQ(Norm("user_id", "Undefined"), "BLOCKED");
  EXPECT_EQ(Norm("salesforce.contact_id", "000000"), "BLOCKED");
  EXPECT_EQ(Norm("segment.anonymous_id", "00000000-0000-0000-0000-000000000000"), "BLOCKED");
  EXPECT_EQ(Norm("user_id", "-1"), "BLOCKED");
  EXPECT_EQ(Norm("user_id", "   "), "BLOCKED");
}

TEST(IdentifierTest, PhonesBecomeE164) {
  EXPECT_EQ(Norm("phone", "(415) 555-0101"), "+14155550101");
  EXPECT_EQ(Norm("phone", "415.555.0101"), "+14155550101");
  EXPECT_EQ(Norm("phone", "+1 415 555 0101"), "+14155550101");
  EXPECT_EQ(Norm("phone", "1-415-555-0101"), "+14155550101");
  EXPECT_EQ(Norm("phone", "+44 20 7946 0000"), "+442079460000");
  EXPECT_EQ(Norm("phone", "0044 20 7946 0000"), "+442079460000");
  EXPECT_EQ(Norm("phone", "415-555-0101 x23"), "+14155550101");
  EXPECT_EQ(Norm("phone", "555-0101"),
            "ERROR: invalid phone \"555-0101\": not a 10-digit national number");
  EXPECT_EQ(Norm("phone", "call me"),
            "ERROR: invalid phone \"call me\": unexpected character");
}

TEST(IdentifierTest, DomainsLoseSchemeWwwPathAndPort) {
  EXPECT_EQ(Norm("domain", "https://www.Acme.example/about?x=1"), "acme.example");
  EXPECT_EQ(Norm("domain", "www.acme.example"), "acme.example");
  EXPECT_EQ(Norm("domain", "acme.example:8080"), "acme.example");
  EXPECT_EQ(Norm("domain", "http://shop.acme.example."), "shop.acme.example");
  EXPECT_EQ(Norm("domain", "acme"), "ERROR: invalid domain \"acme\": not a domain name");
}

TEST(IdentifierTest, FreeMailAndEmailDomain) {
  EXPECT_EQ(EmailDomain("ana@acme.example"), "acme.example");
  EXPECT_TRUE(IsFreeMailDomain("gmail.com"));
  EXPECT_TRUE(IsFreeMailDomain("outlook.com"));
  EXPECT_FALSE(IsFreeMailDomain("acme.example"));
}

}  // namespace
}  // namespace hub
