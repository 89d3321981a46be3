// Scoring the simulator against real runs of the same configuration.
//
// Each real repetition (its own arrival seed, its own machine speed) has its own prediction; a
// configuration is scored by the error between the median of its predictions and the median of
// its real figures, and its spread is how much the real repetitions differ among themselves. Why
// medians of several runs, and why the error of the medians rather than the median of each run's
// error: docs/simulator.md (Validation).
#pragma once

#include <vector>

namespace gb {

// The figures validate compares, and predict() forecasts: energy per image (J), p99 and max
// response time (s).
struct ValidationFigures {
  double energy_per_image_j = 0;
  double p99_s = 0;
  double max_s = 0;
};
// The three figures, for code that treats them alike.
inline constexpr double ValidationFigures::*kValidationFigures[] = {
    &ValidationFigures::energy_per_image_j, &ValidationFigures::p99_s, &ValidationFigures::max_s};

// One real repetition and the simulator's prediction for it.
struct ValidationPair {
  ValidationFigures real;
  ValidationFigures simulated;
  double speed = 1;  // the real run's speed against the profile (observed_speed)
};

struct ValidationScore {
  std::size_t repetitions = 0;
  ValidationFigures real;        // medians over the repetitions
  ValidationFigures simulated;   // medians over the repetitions
  ValidationFigures error_pct;   // (simulated - real) / real of the two medians, in %
  ValidationFigures spread_pct;  // real (max - min) / median, in %: 0 with one repetition
  double speed = 1;              // median

  bool within(double energy_target_pct, double latency_target_pct) const;
};

// (simulated - real) / real in per cent; +inf when only real is 0.
double error_pct(double simulated, double real);

// Throws std::invalid_argument for no pairs.
ValidationScore score_repetitions(const std::vector<ValidationPair>& pairs);

}  // namespace gb
