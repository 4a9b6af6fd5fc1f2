#include "match/clustering.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace hub::match {
namespace {

using ::testing::ElementsAre;

TEST(AverageLinkageTest, OneStrongLinkDoesNotChainTwoGroups) {
  // {0,1,2} and {3,4,5} are tight groups; one strong pair 2-3 bridges them.
  // Connected components would make one entity of six.
  std::vector<ScoredEdge> edges = {
      {0, 1, 0.99f}, {0, 2, 0.98f}, {1, 2, 0.97f},
      {3, 4, 0.99f}, {3, 5, 0.98f}, {4, 5, 0.97f},
      {2, 3, 0.95f},
  };
  EXPECT_THAT(AverageLinkage(6, edges, 0.5), ElementsAre(0, 0, 0, 3, 3, 3));
}

TEST(AverageLinkageTest, ABridgeNeedsMajoritySupport) {
  // 0-1 strong, 1-2 strong, 0-2 never compared: {0,1} + 2 averages
  // (0 + 0.9) / 2 < 0.5, so 2 stays apart.
  std::vector<ScoredEdge> edges = {{0, 1, 0.95f}, {1, 2, 0.9f}};
  EXPECT_THAT(AverageLinkage(3, edges, 0.5), ElementsAre(0, 0, 2));
  // With the missing pair scored (dense), 0-2 at 0.6 supports the merge.
  auto score = [](uint32_t a, uint32_t b) {
    return (a == 0 && b == 2) ? 0.6f : 0.0f;
  };
  EXPECT_THAT(AverageLinkage(3, edges, 0.5, score, 10), ElementsAre(0, 0, 0));
  // Above the dense limit the missing pair counts as 0 again.
  EXPECT_THAT(AverageLinkage(3, edges, 0.5, score, 2), ElementsAre(0, 0, 2));
}

TEST(AverageLinkageTest, WeakPairsAndSingletons) {
  std::vector<ScoredEdge> edges = {{0, 1, 0.49f}, {2, 3, 0.5f}};
  EXPECT_THAT(AverageLinkage(5, edges, 0.5), ElementsAre(0, 1, 2, 2, 4));
}

// Two tight groups, {0,1,2,3} and {4,5,6}, written two ways: each record
// has one strong pair with the other group and the rest were never
// compared, so their mean probability is 3.6 / 12 = 0.3.
std::vector<ScoredEdge> TwoGroups(std::vector<ScoredEdge> cross) {
  std::vector<ScoredEdge> edges = {
      {0, 1, 0.99f}, {0, 2, 0.99f}, {0, 3, 0.99f}, {1, 2, 0.99f},
      {1, 3, 0.99f}, {2, 3, 0.99f}, {4, 5, 0.99f}, {4, 6, 0.99f},
      {5, 6, 0.99f},
  };
  edges.insert(edges.end(), cross.begin(), cross.end());
  return edges;
}

TEST(AverageLinkageTest, MajoritiesOfWitnessesOnBothSidesMerge) {
  // Every record of both groups holds a strong pair with the other group,
  // and the mean, 0.3, is at least half the threshold.
  const std::vector<ScoredEdge> edges =
      TwoGroups({{0, 4, 0.9f}, {1, 5, 0.9f}, {2, 6, 0.9f}, {3, 4, 0.9f}});
  EXPECT_THAT(AverageLinkage(7, edges, 0.5), ElementsAre(0, 0, 0, 0, 0, 0, 0));
  // Without cluster-level evidence (a linkage), average linkage alone.
  EXPECT_THAT(AverageLinkage(7, edges, 0.5, nullptr, 0, /*witnesses=*/false),
              ElementsAre(0, 0, 0, 0, 4, 4, 4));
}

TEST(AverageLinkageTest, OneHubRecordIsOneWitness) {
  // All of {4,5,6} match record 0 strongly, but 0 is one of four: no
  // majority of {0,1,2,3} supports the merge (mean 3.9 / 12 = 0.325).
  const std::vector<ScoredEdge> edges =
      TwoGroups({{0, 4, 0.9f}, {0, 5, 0.9f}, {0, 6, 0.9f}, {1, 4, 0.4f},
                 {2, 5, 0.4f}, {3, 6, 0.4f}});
  EXPECT_THAT(AverageLinkage(7, edges, 0.5), ElementsAre(0, 0, 0, 0, 4, 4, 4));
}

TEST(AverageLinkageTest, HalfOfAGroupIsNoMajority) {
  // Two of four records of {0,1,2,3} hold strong pairs with {4,5,6}
  // (mean 3.5 / 12 = 0.29).
  const std::vector<ScoredEdge> edges =
      TwoGroups({{0, 4, 0.9f}, {1, 5, 0.9f}, {1, 6, 0.9f}, {2, 4, 0.4f},
                 {3, 5, 0.4f}});
  EXPECT_THAT(AverageLinkage(7, edges, 0.5), ElementsAre(0, 0, 0, 0, 4, 4, 4));
}

TEST(AverageLinkageTest, WitnessesCannotCarryAMeanBelowHalfTheThreshold) {
  // Every record is a witness, but the mean is 2.4 / 12 = 0.2 < 0.25.
  const std::vector<ScoredEdge> edges =
      TwoGroups({{0, 4, 0.6f}, {1, 5, 0.6f}, {2, 6, 0.6f}, {3, 4, 0.6f}});
  EXPECT_THAT(AverageLinkage(7, edges, 0.5), ElementsAre(0, 0, 0, 0, 4, 4, 4));
}

}  // namespace
}  // namespace hub::match
