#include "match/fellegi_sunter.h"

#include <vector>

#include "gtest/gtest.h"

namespace hub::match {
namespace {

// Three two-level fields A, B, C (0 = else, 1 = exact).
Pattern Abc(int a, int b, int c) { return Pattern(a) | Pattern(b) << 4 | Pattern(c) << 8; }

void Add(Pattern p, int count, std::vector<Pattern>* patterns) {
  patterns->insert(patterns->end(), count, p);
}

// Matches: 300 "tight" ones (one inventor at one site: agree on all three)
// and 400 "loose" ones (A and C agree half the time, B a tenth of the time,
// independently): m(B exact) is 340 / 700 = 0.486. The anchors for B, pairs
// agreeing on A and C, are mostly tight ones and put it at 0.77.
void AddMatches(std::vector<Pattern>* patterns) {
  Add(Abc(1, 1, 1), 300, patterns);
  for (int a = 0; a < 2; ++a) {
    for (int c = 0; c < 2; ++c) {
      Add(Abc(a, 1, c), 10, patterns);
      Add(Abc(a, 0, c), 90, patterns);
    }
  }
}

// `scale` * 300 non-matches: A and C agree 5% of the time, B 30%.
void AddNonMatches(int scale, std::vector<Pattern>* patterns) {
  Add(Abc(0, 1, 0), 81 * scale, patterns);
  Add(Abc(0, 0, 0), 189 * scale, patterns);
  Add(Abc(1, 1, 0), 4 * scale, patterns);
  Add(Abc(1, 0, 0), 10 * scale, patterns);
  Add(Abc(0, 1, 1), 4 * scale, patterns);
  Add(Abc(0, 0, 1), 10 * scale, patterns);
  Add(Abc(1, 1, 1), 1 * scale, patterns);
  Add(Abc(1, 0, 1), 1 * scale, patterns);
}

Model Untrained() {
  Model model;
  for (double agree : {0.05, 0.3, 0.05}) {
    FieldParams f;
    f.random = f.u = {1 - agree, agree};
    model.fields.push_back(f);
  }
  return model;
}

TEST(EstimateMTest, RefinesTheAnchorsWhenMatchesAreMostCandidates) {
  std::vector<Pattern> patterns;
  AddMatches(&patterns);
  AddNonMatches(1, &patterns);
  Model model = Untrained();
  EstimateM(patterns, std::vector<uint32_t>(patterns.size(), 0),
            /*pairs_per_candidate=*/100, /*iterations=*/200, &model);
  // No model can tell the 100 loose matches disagreeing on A and C from
  // non-matches; among the other 600, m(B exact) is 330 / 600 = 0.55, where
  // the anchors said 0.77.
  // (EM's soft assignments leave it a little above.)
  EXPECT_NEAR(model.fields[1].m[1], 0.55, 0.04);
  EXPECT_NEAR(model.candidate_lambda, 0.6, 0.02);
}

TEST(EstimateMTest, KeepsTheAnchorsWhenMatchesAreFew) {
  std::vector<Pattern> patterns;
  AddMatches(&patterns);
  AddNonMatches(20, &patterns);  // matches: 700 of 6,700 candidates
  Model model = Untrained();
  EstimateM(patterns, std::vector<uint32_t>(patterns.size(), 0),
            /*pairs_per_candidate=*/100, /*iterations=*/200, &model);
  // The anchors for B: 400 matches (310 agreeing on B) and 40 non-matches
  // (20 agreeing), add-half smoothed.
  EXPECT_DOUBLE_EQ(model.fields[1].m[1], (330 + 0.5) / (440 + 1));
  EXPECT_LT(model.candidate_lambda, 0.25);
}

}  // namespace
}  // namespace hub::match
