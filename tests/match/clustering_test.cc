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

}  // namespace
}  // namespace hub::match
