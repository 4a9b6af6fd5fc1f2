#include "tools/hubctl/names.h"

#include <gtest/gtest.h>

namespace hubctl {
namespace {

TEST(NamesTest, ProfileNameAcceptsBareIdAndFullName) {
  EXPECT_EQ(ParseProfileName("12").value(), "profiles/12");
  EXPECT_EQ(ParseProfileName("profiles/12").value(), "profiles/12");
  EXPECT_EQ(ParseProfileName("007").value(), "profiles/7");
  EXPECT_EQ(ParseProfileName("9223372036854775807").value(),
            "profiles/9223372036854775807");
}

TEST(NamesTest, ProfileNameRejectsBadInput) {
  for (const char* bad :
       {"", "profiles/", "abc", "0", "-1", "+3", " 12", "12 ", "1.5",
        "accounts/12", "profiles/12/x", "profiles/abc", "Profiles/12",
        "profiles//12", "9223372036854775808", "12345678901234567890"}) {
    absl::StatusOr<std::string> name = ParseProfileName(bad);
    ASSERT_FALSE(name.ok()) << bad;
    EXPECT_EQ(name.status().code(), absl::StatusCode::kInvalidArgument);
  }
}

TEST(NamesTest, ProfileNameErrorSaysWhatIsExpected) {
  EXPECT_EQ(ParseProfileName("abc").status().message(),
            "invalid name \"abc\": want profiles/{id} or a bare {id}, a "
            "positive integer");
}

TEST(NamesTest, AccountNameAcceptsOnlyAccounts) {
  EXPECT_EQ(ParseAccountName("3").value(), "accounts/3");
  EXPECT_EQ(ParseAccountName("accounts/3").value(), "accounts/3");
  EXPECT_FALSE(ParseAccountName("profiles/3").ok());
  EXPECT_FALSE(ParseAccountName("acme").ok());
}

TEST(NamesTest, ProfileOrAccountNameNeedsTheCollection) {
  EXPECT_EQ(ParseProfileOrAccountName("profiles/012").value(), "profiles/12");
  EXPECT_EQ(ParseProfileOrAccountName("accounts/3").value(), "accounts/3");
  EXPECT_EQ(ParseProfileOrAccountName("12").status().message(),
            "invalid name \"12\": want profiles/{id} or accounts/{id}, a "
            "positive integer id");
  EXPECT_EQ(ParseProfileOrAccountName("accounts/x").status().code(),
            absl::StatusCode::kInvalidArgument);
  for (const char* bad : {"", "profiles/", "accounts/0", "sources/crm"}) {
    EXPECT_FALSE(ParseProfileOrAccountName(bad).ok()) << bad;
  }
}

TEST(NamesTest, SourceNameAcceptsBareIdAndFullName) {
  EXPECT_EQ(ParseSourceName("crm").value(), "sources/crm");
  EXPECT_EQ(ParseSourceName("sources/sf-eu-2").value(), "sources/sf-eu-2");
  EXPECT_EQ(ParseSourceId("sources/crm").value(), "crm");
  EXPECT_EQ(ParseSourceId(std::string(63, 'a')).value(), std::string(63, 'a'));
}

TEST(NamesTest, SourceNameRejectsBadInput) {
  for (const char* bad : {"", "sources/", "CRM", "crm_eu", "crm/1",
                          "sources/a b", "sources/crm/syncJobs/1"}) {
    EXPECT_FALSE(ParseSourceName(bad).ok()) << bad;
  }
  EXPECT_FALSE(ParseSourceId(std::string(64, 'a')).ok());
}

TEST(NamesTest, SyncJobNameNeedsTheFullName) {
  EXPECT_EQ(ParseSyncJobName("sources/crm/syncJobs/3").value(),
            "sources/crm/syncJobs/3");
  EXPECT_EQ(ParseSyncJobName("sources/crm/syncJobs/03").value(),
            "sources/crm/syncJobs/3");
  for (const char* bad : {"3", "crm/3", "sources/crm/3",
                          "sources/crm/syncJobs/", "sources/crm/syncjobs/3",
                          "sources/CRM/syncJobs/3", "sources/crm/syncJobs/0",
                          "sources/crm/syncJobs/3/x", "sources//syncJobs/3"}) {
    absl::StatusOr<std::string> name = ParseSyncJobName(bad);
    ASSERT_FALSE(name.ok()) << bad;
    EXPECT_EQ(name.status().code(), absl::StatusCode::kInvalidArgument);
  }
}

}  // namespace
}  // namespace hubctl
