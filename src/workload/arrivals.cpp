#include "workload/arrivals.h"

#include <cmath>
#include <random>

#include "common/errors.h"

namespace gb {

std::string ArrivalSpec::name() const {
  switch (kind) {
    case Kind::kPaper:
      return "paper";
    case Kind::kConstant:
      return "constant";
    case Kind::kPoisson:
      return "poisson";
    case Kind::kOffline:
      return "offline";
  }
  return "?";
}

ArrivalSpec parse_arrival(std::string_view name, double rate_hz) {
  ArrivalSpec spec;
  if (name == "paper") {
    spec.kind = ArrivalSpec::Kind::kPaper;
  } else if (name == "constant") {
    spec.kind = ArrivalSpec::Kind::kConstant;
  } else if (name == "poisson") {
    spec.kind = ArrivalSpec::Kind::kPoisson;
  } else if (name == "offline") {
    spec.kind = ArrivalSpec::Kind::kOffline;
  } else {
    throw UsageError("unknown arrival process '" + std::string(name) +
                     "' (known: paper, constant, poisson, offline)");
  }
  if (spec.needs_rate()) {
    if (!(rate_hz > 0) || !std::isfinite(rate_hz)) {
      throw UsageError("rate must be > 0 requests/s for arrival '" + std::string(name) + "'");
    }
    spec.rate_hz = rate_hz;
  }
  return spec;
}

std::vector<Nanos> generate_schedule(const ArrivalSpec& spec, std::size_t count, uint64_t seed) {
  std::vector<Nanos> schedule(count, Nanos(0));
  if (spec.kind == ArrivalSpec::Kind::kOffline || count == 0) return schedule;
  // A 64-bit Mersenne twister with explicit distributions: libstdc++'s algorithms are fixed, so a
  // seed gives the same schedule on every machine we build on.
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> jitter(0.8, 1.2);
  std::exponential_distribution<double> exponential(spec.rate_hz);
  const double mean_gap = 1.0 / spec.rate_hz;
  double t = 0;  // accumulate in double seconds, round once, so rounding never drifts
  for (std::size_t i = 1; i < count; ++i) {
    switch (spec.kind) {
      case ArrivalSpec::Kind::kPaper:
        t += mean_gap * jitter(rng);
        break;
      case ArrivalSpec::Kind::kConstant:
        t = mean_gap * static_cast<double>(i);
        break;
      case ArrivalSpec::Kind::kPoisson:
        t += exponential(rng);
        break;
      case ArrivalSpec::Kind::kOffline:
        break;
    }
    schedule[i] = Nanos(std::llround(t * 1e9));
  }
  return schedule;
}

}  // namespace gb
