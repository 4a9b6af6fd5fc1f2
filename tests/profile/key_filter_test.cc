#include "profile/store/key_filter.h"

#include "gtest/gtest.h"

namespace hub {
namespace {

TEST(KeyFilterTest, NeverForgetsAndRarelyInvents) {
  KeyFilter filter(10000);
  for (uint64_t i = 0; i < 10000; ++i) filter.Add(i * 0x9e3779b97f4a7c15ull);
  EXPECT_EQ(filter.size(), 10000u);
  for (uint64_t i = 0; i < 10000; ++i) {
    ASSERT_TRUE(filter.MayContain(i * 0x9e3779b97f4a7c15ull)) << i;
  }
  int false_positives = 0;
  for (uint64_t i = 10000; i < 110000; ++i) {
    false_positives += filter.MayContain(i * 0x9e3779b97f4a7c15ull);
  }
  // 10 bits per key and 7 probes: ~0.8% expected; allow up to 2%.
  EXPECT_LT(false_positives, 2000);
}

TEST(KeyFilterTest, EmptyFilterContainsNothing) {
  KeyFilter filter(0);
  EXPECT_EQ(filter.capacity(), 1u);
  EXPECT_FALSE(filter.MayContain(42));
  filter.Add(42);
  EXPECT_TRUE(filter.MayContain(42));
}

}  // namespace
}  // namespace hub
