#include "sim/validation.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "common/statistics.h"

namespace gb {

double error_pct(double simulated, double real) {
  if (real != 0) return 100.0 * (simulated - real) / real;
  return simulated == 0 ? 0 : INFINITY;
}

bool ValidationScore::within(double energy_target_pct, double latency_target_pct) const {
  return std::fabs(error_pct.energy_per_image_j) <= energy_target_pct &&
         std::fabs(error_pct.p99_s) <= latency_target_pct &&
         std::fabs(error_pct.max_s) <= latency_target_pct;
}

namespace {

using Field = double ValidationFigures::*;

// Every figure reduced over the pairs: out.f = reduce({pick(pair, f) for each pair}).
template <typename Reduce, typename Pick>
ValidationFigures per_figure(const std::vector<ValidationPair>& pairs, Pick pick, Reduce reduce) {
  ValidationFigures out;
  for (Field field : kValidationFigures) {
    std::vector<double> values;
    for (const ValidationPair& p : pairs) values.push_back(pick(p, field));
    out.*field = reduce(values);
  }
  return out;
}

double spread(const std::vector<double>& v) {
  const double mid = median(v);
  const auto [lo, hi] = std::minmax_element(v.begin(), v.end());
  return mid != 0 ? 100.0 * (*hi - *lo) / mid : 0;
}

}  // namespace

ValidationScore score_repetitions(const std::vector<ValidationPair>& pairs) {
  if (pairs.empty()) throw std::invalid_argument("score_repetitions needs at least one pair");
  const auto real = [](const ValidationPair& p, Field f) { return p.real.*f; };
  const auto simulated = [](const ValidationPair& p, Field f) { return p.simulated.*f; };
  ValidationScore s;
  s.repetitions = pairs.size();
  s.real = per_figure(pairs, real, median);
  s.simulated = per_figure(pairs, simulated, median);
  for (Field f : kValidationFigures) s.error_pct.*f = error_pct(s.simulated.*f, s.real.*f);
  s.spread_pct = per_figure(pairs, real, spread);
  std::vector<double> speeds;
  for (const ValidationPair& p : pairs) speeds.push_back(p.speed);
  s.speed = median(speeds);
  return s;
}

}  // namespace gb
