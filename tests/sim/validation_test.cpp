// Scoring repetitions: the error between medians, and the real runs' own spread.
#include "sim/validation.h"

#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>

namespace gb {
namespace {

ValidationPair pair(double real_max, double sim_max, double speed = 1) {
  ValidationPair p;
  p.real = {1.0, 0.010, real_max};
  p.simulated = {1.05, 0.011, sim_max};
  p.speed = speed;
  return p;
}

TEST(Validation, ErrorIsRelativeToTheRealFigure) {
  EXPECT_DOUBLE_EQ(error_pct(110, 100), 10);
  EXPECT_DOUBLE_EQ(error_pct(90, 100), -10);
  EXPECT_DOUBLE_EQ(error_pct(0, 0), 0);
  EXPECT_TRUE(std::isinf(error_pct(1, 0)));
}

TEST(Validation, OneSlowRealRunDoesNotDecideTheScore) {
  // Three repetitions predicted at 0.017 s; one real run met a 29 ms batch.
  const ValidationScore s =
      score_repetitions({pair(0.018, 0.017, 1.1), pair(0.029, 0.017, 0.9), pair(0.017, 0.017)});
  EXPECT_EQ(s.repetitions, 3u);
  EXPECT_DOUBLE_EQ(s.real.max_s, 0.018);
  EXPECT_DOUBLE_EQ(s.simulated.max_s, 0.017);
  EXPECT_NEAR(s.error_pct.max_s, 100.0 * (0.017 - 0.018) / 0.018, 1e-9);
  EXPECT_NEAR(s.spread_pct.max_s, 100.0 * (0.029 - 0.017) / 0.018, 1e-9);
  EXPECT_DOUBLE_EQ(s.speed, 1.0);
  EXPECT_NEAR(s.error_pct.energy_per_image_j, 5, 1e-9);
  EXPECT_NEAR(s.error_pct.p99_s, 10, 1e-9);
  EXPECT_TRUE(s.within(10, 15));
  EXPECT_FALSE(s.within(4, 15));  // energy +5 %
  EXPECT_FALSE(s.within(10, 9));  // p99 +10 %
}

TEST(Validation, ErrorIsBetweenTheMediansItShows) {
  // With adjusted predictions every repetition has its own simulated figure; the error is the one
  // between the two medians the table shows (the median of the runs' own errors would be +10 %).
  const ValidationScore s =
      score_repetitions({pair(0.100, 0.110), pair(0.200, 0.190), pair(0.300, 0.390)});
  EXPECT_DOUBLE_EQ(s.simulated.max_s, 0.190);
  EXPECT_DOUBLE_EQ(s.real.max_s, 0.200);
  EXPECT_NEAR(s.error_pct.max_s, -5, 1e-9);
}

TEST(Validation, OneRepetitionHasNoSpread) {
  const ValidationScore s = score_repetitions({pair(0.020, 0.017)});
  EXPECT_DOUBLE_EQ(s.spread_pct.max_s, 0);
  EXPECT_NEAR(s.error_pct.max_s, -15, 1e-9);
  EXPECT_TRUE(s.within(10, 15.0001));
  EXPECT_FALSE(s.within(10, 14.9));
}

TEST(Validation, NoPairsIsAnError) { EXPECT_THROW(score_repetitions({}), std::invalid_argument); }

}  // namespace
}  // namespace gb
