#include "profile/identity/resolver.h"

#include "gtest/gtest.h"

namespace hub {
namespace {

IdentifierMatch M(const std::string& type, const std::string& value,
                  std::optional<int64_t> holder) {
  return IdentifierMatch{Key{type, value, Side::kPerson}, holder};
}

TEST(ResolverTest, NoMatchesCreates) {
  ResolveDecision d = Resolve({M("email", "a@x.example", std::nullopt)}, 0);
  EXPECT_EQ(d.target, 0);
  EXPECT_TRUE(d.merge.empty());
  ASSERT_EQ(d.attach.size(), 1u);
  EXPECT_EQ(d.attach[0].value, "a@x.example");
}

TEST(ResolverTest, OneMatchAttachesTheRest) {
  ResolveDecision d = Resolve(
      {M("email", "a@x.example", 7), M("phone", "+14155550101", std::nullopt)}, 0);
  EXPECT_EQ(d.target, 7);
  EXPECT_TRUE(d.merge.empty());
  ASSERT_EQ(d.attach.size(), 1u);
  EXPECT_EQ(d.attach[0].type, "phone");
}

TEST(ResolverTest, SeveralMatchesMergeIntoTheOldest) {
  ResolveDecision d = Resolve({M("email", "a@x.example", 9),
                               M("phone", "+14155550101", 4),
                               M("user_id", "u1", 9),
                               M("zendesk.user_id", "77", 12)},
                              0);
  EXPECT_EQ(d.target, 4);
  ASSERT_EQ(d.merge.size(), 2u);
  EXPECT_EQ(d.merge[0], std::make_pair(int64_t{9}, std::string("email")));
  EXPECT_EQ(d.merge[1], std::make_pair(int64_t{12}, std::string("zendesk.user_id")));
  EXPECT_TRUE(d.attach.empty());
}

TEST(ResolverTest, PreviousProfileOfTheRecordIsACandidate) {
  ResolveDecision d = Resolve({M("email", "new@x.example", std::nullopt)}, 3);
  EXPECT_EQ(d.target, 3);
  EXPECT_EQ(d.attach.size(), 1u);
  ResolveDecision m = Resolve({M("email", "b@x.example", 2)}, 3);
  EXPECT_EQ(m.target, 2);
  ASSERT_EQ(m.merge.size(), 1u);
  EXPECT_EQ(m.merge[0], std::make_pair(int64_t{3}, std::string("record")));
}

}  // namespace
}  // namespace hub
