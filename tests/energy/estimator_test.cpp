// The estimator's model with injected clocks: exact arithmetic, no timing.
#include <gtest/gtest.h>

#include "energy/cpu_estimator.h"

namespace gb {
namespace {

using std::chrono::milliseconds;

TEST(CpuEstimator, LinearInUtilisationAndLabelledAnEstimate) {
  Nanos wall{0}, cpu{0};
  CpuEstimator est(
      {10.0, 26.0, 2}, [&] { return wall; }, [&] { return cpu; });
  EXPECT_EQ(est.method(), EnergyMethod::kEstimate);
  EXPECT_STREQ(method_label(est.method()), "estimate");
  EXPECT_NE(est.description().find("not measured"), std::string::npos);

  wall += milliseconds(1000);
  cpu += milliseconds(1000);  // one of two CPUs busy: u = 0.5
  EXPECT_DOUBLE_EQ(est.sample_power_w(), 10.0 + 16.0 * 0.5);
  EXPECT_DOUBLE_EQ(*est.energy_j(), 18.0);

  wall += milliseconds(1000);  // idle second
  EXPECT_DOUBLE_EQ(est.sample_power_w(), 10.0);
  EXPECT_DOUBLE_EQ(*est.energy_j(), 28.0);

  wall += milliseconds(500);
  cpu += milliseconds(5000);  // more CPU time than the CPUs can give: clamped at u = 1
  EXPECT_DOUBLE_EQ(est.sample_power_w(), 26.0);
}

TEST(CpuEstimator, DefaultMaximumIsEightWattsPerCpu) {
  CpuEstimator est({10.0, 0, 4});
  EXPECT_DOUBLE_EQ(est.max_w(), 42.0);
}

}  // namespace
}  // namespace gb
