#include "profile/identity/resolver.h"

#include <map>

#include "gtest/gtest.h"

namespace hub {
namespace {

IdentifierMatch M(const std::string& type, const std::string& value,
                  std::optional<int64_t> holder) {
  return IdentifierMatch{Key{type, value, Side::kPerson}, holder};
}

// Profiles' identifier counts, as the store would report them.
class Counts {
 public:
  Counts& Set(int64_t id, TypeCounts counts) {
    counts_[id] = std::move(counts);
    return *this;
  }
  TypeCounts operator()(int64_t id) {
    ++calls_;
    return counts_[id];
  }
  int calls() const { return calls_; }

 private:
  std::map<int64_t, TypeCounts> counts_;
  int calls_ = 0;
};

ResolveDecision Decide(std::vector<IdentifierMatch> matches, int64_t previous,
                       Counts& counts) {
  return Resolve(std::move(matches), previous, IdentityPolicy::Default(),
                 [&](int64_t id) { return counts(id); });
}

TEST(ResolverTest, NoMatchesCreates) {
  Counts counts;
  ResolveDecision d = Decide({M("email", "a@x.example", std::nullopt)}, 0, counts);
  EXPECT_EQ(d.target, 0);
  EXPECT_TRUE(d.merge.empty());
  ASSERT_EQ(d.attach.size(), 1u);
  EXPECT_EQ(d.attach[0].value, "a@x.example");
  EXPECT_TRUE(d.refusals.empty());
}

TEST(ResolverTest, OneHolderNeedsNoCountsForUnlimitedTypes) {
  Counts counts;
  ResolveDecision d = Decide({M("ga4.user_pseudo_id", "p1", 7),
                              M("segment.anonymous_id", "a1", std::nullopt)},
                             0, counts);
  EXPECT_EQ(d.target, 7);
  EXPECT_EQ(d.attach.size(), 1u);
  EXPECT_EQ(counts.calls(), 0);  // the hot path asks the store nothing
}

TEST(ResolverTest, SeveralHoldersMergeIntoTheOldest) {
  Counts counts;
  counts.Set(9, {{"email", 1}, {"user_id", 1}})
      .Set(4, {{"phone", 1}})
      .Set(12, {{"zendesk.user_id", 1}});
  ResolveDecision d = Decide({M("email", "a@x.example", 9), M("phone", "+14155550101", 4),
                              M("user_id", "u1", 9), M("zendesk.user_id", "77", 12)},
                             0, counts);
  EXPECT_EQ(d.target, 4);
  ASSERT_EQ(d.merge.size(), 2u);
  EXPECT_EQ(d.merge[0], std::make_pair(int64_t{9}, std::string("user_id")));
  EXPECT_EQ(d.merge[1], std::make_pair(int64_t{12}, std::string("zendesk.user_id")));
  EXPECT_TRUE(d.refusals.empty());
}

TEST(ResolverTest, ASharedPhoneDoesNotMergeTwoCrmContacts) {
  // Colleagues behind one switchboard number: each has its own contact id.
  Counts counts;
  counts.Set(1, {{"salesforce.contact_id", 1}, {"phone", 1}, {"email", 1}});
  ResolveDecision d = Decide({M("salesforce.contact_id", "003B", std::nullopt),
                              M("email", "bo@acme.example", std::nullopt),
                              M("phone", "+14155550100", 1)},
                             0, counts);
  // The record has no other holder, so it becomes a new profile of its own;
  // the phone stays with profile 1 and the refusal is reported.
  EXPECT_EQ(d.target, 0);
  ASSERT_EQ(d.refusals.size(), 1u);
  EXPECT_EQ(d.refusals[0].key.type, "phone");
  EXPECT_EQ(d.refusals[0].holder, 1);
  EXPECT_EQ(d.refusals[0].reason, "would give 2 salesforce.contact_id (limit 1)");
  ASSERT_EQ(d.attach.size(), 2u);  // contact id and email go to the new profile
}

TEST(ResolverTest, HigherPriorityDecidesWhichProfileTheRecordJoins) {
  Counts counts;
  counts.Set(5, {{"salesforce.contact_id", 1}, {"email", 1}})
      .Set(8, {{"salesforce.contact_id", 1}});
  // The contact id (priority 100) names profile 8; the email would pull in
  // profile 5 with a second contact id: refused.
  ResolveDecision d = Decide({M("email", "ana@acme.example", 5),
                              M("salesforce.contact_id", "003B", 8)},
                             0, counts);
  EXPECT_EQ(d.target, 8);
  EXPECT_TRUE(d.merge.empty());
  ASSERT_EQ(d.refusals.size(), 1u);
  EXPECT_EQ(d.refusals[0].key.type, "email");
}

TEST(ResolverTest, AttachingPastALimitIsRefused) {
  Counts counts;
  counts.Set(3, {{"user_id", 1}, {"email", 5}});
  ResolveDecision d = Decide({M("user_id", "u1", 3), M("email", "sixth@x.example", std::nullopt),
                              M("ga4.user_pseudo_id", "p9", std::nullopt)},
                             0, counts);
  EXPECT_EQ(d.target, 3);
  ASSERT_EQ(d.refusals.size(), 1u);
  EXPECT_EQ(d.refusals[0].reason, "would give 6 email (limit 5)");
  EXPECT_EQ(d.refusals[0].holder, 0);
  ASSERT_EQ(d.attach.size(), 1u);
  EXPECT_EQ(d.attach[0].type, "ga4.user_pseudo_id");
}

TEST(ResolverTest, OneRecordCannotCarryTwoContactIdsIntoANewProfile) {
  Counts counts;
  ResolveDecision d = Decide({M("salesforce.contact_id", "003A", std::nullopt),
                              M("salesforce.contact_id", "003B", std::nullopt)},
                             0, counts);
  EXPECT_EQ(d.target, 0);
  ASSERT_EQ(d.attach.size(), 1u);
  EXPECT_EQ(d.attach[0].value, "003A");
  ASSERT_EQ(d.refusals.size(), 1u);
  EXPECT_EQ(d.refusals[0].key.value, "003B");
}

TEST(ResolverTest, PreviousProfileOfTheRecordIsACandidate) {
  Counts counts;
  ResolveDecision d = Decide({M("email", "new@x.example", std::nullopt)}, 3, counts);
  EXPECT_EQ(d.target, 3);
  EXPECT_EQ(d.attach.size(), 1u);
  ResolveDecision m = Decide({M("email", "b@x.example", 2)}, 3, counts);
  EXPECT_EQ(m.target, 2);
  ASSERT_EQ(m.merge.size(), 1u);
  EXPECT_EQ(m.merge[0], std::make_pair(int64_t{3}, std::string("record")));
}

}  // namespace
}  // namespace hub

namespace hub {
namespace {

TEST(ResolverDoNotLinkTest, AKeptApartHolderIsRefusedAndTheRecordStaysWithTheHigherPriority) {
  Counts counts;
  int asked = 0;
  auto apart = [&](int64_t a, int64_t b) {
    ++asked;
    return (a == 3 && b == 9) || (a == 9 && b == 3);
  };
  // email (60) is held by 9, phone (40) by 3, a cookie (10) by 4; 9 and 3
  // are kept apart.
  ResolveDecision d =
      Resolve({M("phone", "+14155550101", 3), M("email", "a@x.example", 9),
               M("segment.anonymous_id", "c1", 4)},
              0, IdentityPolicy::Default(), [&](int64_t id) { return counts(id); }, apart);
  EXPECT_EQ(d.target, 4);  // 9 and 4 join; the oldest survives
  ASSERT_EQ(d.merge.size(), 1u);
  EXPECT_EQ(d.merge[0].first, 9);
  ASSERT_EQ(d.refusals.size(), 1u);
  EXPECT_EQ(d.refusals[0].key.type, "phone");
  EXPECT_EQ(d.refusals[0].holder, 3);
  EXPECT_EQ(d.refusals[0].reason, "do_not_link");
  ASSERT_TRUE(d.anchor.has_value());
  EXPECT_EQ(d.anchor->type, "email");
  EXPECT_EQ(asked, 2);  // the phone and the cookie holders, each against 9
}

TEST(ResolverDoNotLinkTest, NotAskedWhenOnlyOneProfileJoins) {
  Counts counts;
  int asked = 0;
  ResolveDecision d = Resolve({M("email", "a@x.example", 9), M("phone", "+14155550101", 9)},
                              0, IdentityPolicy::Default(),
                              [&](int64_t id) { return counts(id); },
                              [&](int64_t, int64_t) { return ++asked, false; });
  EXPECT_EQ(d.target, 9);
  EXPECT_TRUE(d.refusals.empty());
  EXPECT_EQ(asked, 0);
}

}  // namespace
}  // namespace hub
