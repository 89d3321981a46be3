#include "experiment/settling.h"

#include <fmt/format.h>

#include <algorithm>
#include <deque>
#include <thread>

#include "common/errors.h"
#include "common/parse.h"
#include "results/energy_account.h"

namespace gb {
namespace {

// (max - min) / mean of one meter's window means; 0 for a meter that reads 0 throughout.
double relative_spread(const std::deque<std::vector<double>>& windows, std::size_t meter) {
  double lo = windows.front()[meter], hi = lo, sum = 0;
  for (const auto& w : windows) {
    lo = std::min(lo, w[meter]);
    hi = std::max(hi, w[meter]);
    sum += w[meter];
  }
  const double mean = sum / static_cast<double>(windows.size());
  return mean > 0 ? (hi - lo) / mean : (hi > lo ? 1.0 : 0.0);
}

}  // namespace

Nanos settle_window(const std::vector<PowerMeter*>& meters, Nanos sample_interval) {
  Nanos w = std::max<Nanos>(std::chrono::milliseconds(250), 10 * sample_interval);
  for (const PowerMeter* m : meters) {
    if (auto period = m->counter_update_period()) w = std::max(w, 5 * *period);
  }
  return w;
}

Settling settle(PowerSampler& sampler, Nanos bound, Nanos window) {
  const auto start = SteadyClock::now();
  std::deque<std::vector<double>> means;
  Settling out;
  Nanos t0 = sampler.now();
  while (!sampler.error() && SteadyClock::now() - start + window <= bound) {
    std::this_thread::sleep_for(window);
    const Nanos t1 = sampler.now();
    const std::vector<PowerSample> samples = sampler.samples();
    std::vector<double> m;
    for (uint32_t i = 0; i < sampler.meters().size(); ++i) {
      m.push_back(trapezoid_energy(samples, i, t0, t1) / to_seconds(t1 - t0));
    }
    t0 = t1;
    means.push_back(std::move(m));
    if (means.size() > kSettleWindows) means.pop_front();
    if (means.size() < 2) continue;
    double spread = 0;
    for (std::size_t i = 0; i < sampler.meters().size(); ++i) {
      spread = std::max(spread, relative_spread(means, i));
    }
    out.spread = spread;
    if (means.size() == kSettleWindows && spread <= kSettleSpread) {
      out.settled = true;
      break;
    }
  }
  out.seconds = to_seconds(SteadyClock::now() - start);
  return out;
}

IdleMeasurement measure_idle(const std::vector<PowerMeter*>& meters, Nanos sample_interval,
                             Nanos bound, Nanos duration, const std::string& after,
                             const std::function<void(const std::string&)>& log_fn) {
  const auto log = [&](const std::string& m) {
    if (log_fn) log_fn(m);
  };
  IdleMeasurement out;
  const bool settling = bound.count() > 0;
  const bool measuring = duration.count() > 0;
  if (!settling && !measuring) return out;
  // After warm-up the words are the baseline's own (docs/energy.md quotes them).
  const bool baseline = after.empty();
  const std::string subject = baseline ? "idle power" : "power";
  const std::string since = baseline ? "" : " after " + after;
  log((settling ? "waiting up to " + format_duration(bound) + " for " + subject + " to settle" +
                      since + (measuring ? ", then " : "")
                : std::string()) +
      (measuring ? "measuring idle power for " + format_duration(duration) + " (model loaded)"
                 : std::string()));
  PowerSampler sampler(meters, sample_interval, SteadyClock::now());
  sampler.start();
  if (settling) {
    const Nanos window = settle_window(meters, sample_interval);
    out.settling = settle(sampler, bound, window);
    if (!out.settling.settled && !sampler.error()) {
      const std::string why = out.settling.spread
                                  ? fmt::format("window means spread {:.1f} %, over {:.0f} %",
                                                100 * *out.settling.spread, 100 * kSettleSpread)
                                  : fmt::format("the check needs {} windows of {}", kSettleWindows,
                                                format_duration(window));
      log("warning: " + subject + " did not settle within " + format_duration(bound) + since +
          " (" + why + "); " +
          (baseline ? "the baseline may include the warm-up's tail"
                    : "the run may include its tail"));
    } else if (out.settling.settled) {
      log(fmt::format("{} settled {} {:.1f} s{} (window means within {:.1f} %)", subject,
                      baseline ? "after" : "in", out.settling.seconds, since,
                      100 * *out.settling.spread));
    }
  }
  if (measuring) {
    const EnergyReading begin = sampler.read_energy();
    std::this_thread::sleep_for(duration);
    const EnergyReading end = sampler.read_energy();
    sampler.stop();
    if (auto err = sampler.error()) throw RunError("meter failed during idle baseline: " + *err);
    out.idle_w = mean_power(sampler, sampler.samples(), begin, end);
  } else {
    sampler.stop();
    if (auto err = sampler.error()) throw RunError("meter failed while settling: " + *err);
  }
  return out;
}

}  // namespace gb
