#include "workload/arrivals.h"

#include <gtest/gtest.h>

#include <cmath>

#include "common/errors.h"

namespace gb {
namespace {

double mean_gap_s(const std::vector<Nanos>& s) {
  return to_seconds(s.back() - s.front()) / static_cast<double>(s.size() - 1);
}

TEST(Arrivals, PaperGapsAreWithin20PercentOfThePeriod) {
  const auto s = generate_schedule(parse_arrival("paper", 64), 5000, 1);
  ASSERT_EQ(s.size(), 5000u);
  EXPECT_EQ(s[0], Nanos(0));
  for (std::size_t i = 1; i < s.size(); ++i) {
    const double gap = to_seconds(s[i] - s[i - 1]);
    EXPECT_GE(gap, 0.8 / 64 - 1e-9);
    EXPECT_LE(gap, 1.2 / 64 + 1e-9);
  }
  EXPECT_NEAR(mean_gap_s(s), 1.0 / 64, 0.01 / 64);
}

TEST(Arrivals, ConstantIsExact) {
  const auto s = generate_schedule(parse_arrival("constant", 4), 5, 1);
  EXPECT_EQ(s, (std::vector<Nanos>{Nanos(0), Nanos(250000000), Nanos(500000000), Nanos(750000000),
                                   Nanos(1000000000)}));
}

TEST(Arrivals, PoissonHasTheRightMeanAndVariance) {
  const auto s = generate_schedule(parse_arrival("poisson", 100), 20000, 3);
  EXPECT_NEAR(mean_gap_s(s), 0.01, 0.0005);
  double var = 0;
  for (std::size_t i = 1; i < s.size(); ++i) {
    const double d = to_seconds(s[i] - s[i - 1]) - 0.01;
    var += d * d;
  }
  var /= static_cast<double>(s.size() - 1);
  EXPECT_NEAR(std::sqrt(var), 0.01, 0.001);  // exponential: sd == mean
}

TEST(Arrivals, OfflineIsAllAtZeroAndNeedsNoRate) {
  const auto s = generate_schedule(parse_arrival("offline", 0), 10, 1);
  for (Nanos t : s) EXPECT_EQ(t, Nanos(0));
}

TEST(Arrivals, SameSeedSameScheduleOtherSeedOther) {
  const auto spec = parse_arrival("poisson", 50);
  EXPECT_EQ(generate_schedule(spec, 100, 9), generate_schedule(spec, 100, 9));
  EXPECT_NE(generate_schedule(spec, 100, 9), generate_schedule(spec, 100, 10));
}

TEST(Arrivals, BadInput) {
  EXPECT_THROW(parse_arrival("paper", 0), UsageError);
  EXPECT_THROW(parse_arrival("poisson", -5), UsageError);
  EXPECT_THROW(parse_arrival("sometimes", 5), UsageError);
}

}  // namespace
}  // namespace gb
