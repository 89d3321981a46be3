#include "energy/sampler.h"

#include <sys/prctl.h>

#include <algorithm>
#include <cmath>

#include "common/errors.h"

namespace gb {

PowerSampler::PowerSampler(std::vector<PowerMeter*> meters, Nanos interval,
                           SteadyClock::time_point origin)
    : meters_(std::move(meters)), interval_(interval), origin_(origin) {
  if (interval_.count() <= 0) throw UsageError("sample interval must be > 0");
}

PowerSampler::~PowerSampler() { stop(); }

Nanos PowerSampler::now() const {
  return std::chrono::duration_cast<Nanos>(SteadyClock::now() - origin_);
}

void PowerSampler::start() {
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { loop(); });
}

void PowerSampler::stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void PowerSampler::loop() {
  // The default 50 us timer slack would blur 10 ms deadlines; 1 ns lets the kernel wake us on time.
  prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);
  auto deadline = SteadyClock::now();
  std::unique_lock<std::mutex> lock(mutex_);
  const std::size_t expected = 4096;
  samples_.reserve(expected);
  while (!stopping_) {
    const Nanos t = now();
    try {
      for (uint32_t i = 0; i < meters_.size(); ++i) {
        samples_.push_back({t, static_cast<float>(meters_[i]->sample_power_w()), i});
      }
    } catch (const std::exception& e) {
      error_ = e.what();
      return;
    }
    deadline += interval_;
    // Absolute deadlines: a late wake-up shortens the next wait instead of shifting all later ones.
    // If we fell more than one interval behind, skip ahead rather than burst-sample to catch up.
    const auto late = SteadyClock::now();
    if (deadline < late) deadline = late + interval_;
    wake_.wait_until(lock, deadline, [this] { return stopping_; });
  }
}

EnergyReading PowerSampler::read_energy() {
  std::lock_guard<std::mutex> lock(mutex_);
  EnergyReading r{now(), std::vector<std::optional<double>>(meters_.size())};
  // Continuous counters first, at the edge itself; then the stepped ones, whose wait for their
  // next update must not delay the others' reads. The edge is the instant the first stepped
  // meter's value holds, so that its exact figure is not blurred by the time its wait took.
  std::optional<Nanos> edge;
  for (const bool stepped : {false, true}) {
    for (std::size_t i = 0; i < meters_.size(); ++i) {
      if (meters_[i]->counter_update_period().has_value() != stepped) continue;
      const EdgeEnergy e = meters_[i]->edge_energy();
      r.joules[i] = e.joules;
      if (stepped && e.at && !edge) edge = std::chrono::duration_cast<Nanos>(*e.at - origin_);
    }
  }
  if (edge) r.t = *edge;
  return r;
}

std::vector<PowerSample> PowerSampler::samples() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return samples_;
}

std::optional<std::string> PowerSampler::error() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return error_;
}

IntervalStats interval_stats(const std::vector<PowerSample>& samples, uint32_t meter) {
  std::vector<double> gaps;
  Nanos prev{-1};
  for (const PowerSample& s : samples) {
    if (s.meter != meter) continue;
    if (prev.count() >= 0) gaps.push_back(to_millis(s.t - prev));
    prev = s.t;
  }
  IntervalStats st;
  st.count = gaps.size();
  if (gaps.empty()) return st;
  double sum = 0;
  for (double g : gaps) sum += g;
  st.mean_ms = sum / gaps.size();
  std::sort(gaps.begin(), gaps.end());
  st.p99_ms =
      gaps[std::min(gaps.size() - 1, static_cast<std::size_t>(std::ceil(0.99 * gaps.size())) - 1)];
  return st;
}

double trapezoid_energy(const std::vector<PowerSample>& samples, uint32_t meter, Nanos t0,
                        Nanos t1) {
  if (t1 <= t0) return 0;
  std::vector<std::pair<double, double>> pts;  // (seconds, watts)
  for (const PowerSample& s : samples) {
    if (s.meter == meter) pts.emplace_back(to_seconds(s.t), s.watts);
  }
  if (pts.empty()) return 0;
  const double a = to_seconds(t0), b = to_seconds(t1);
  auto power_at = [&](double t) {
    if (t <= pts.front().first) return pts.front().second;
    if (t >= pts.back().first) return pts.back().second;
    auto it = std::lower_bound(pts.begin(), pts.end(), std::make_pair(t, -1e300));
    auto lo = std::prev(it);
    const double f = (t - lo->first) / (it->first - lo->first);
    return lo->second + f * (it->second - lo->second);
  };
  double energy = 0;
  double prev_t = a, prev_p = power_at(a);
  for (const auto& [t, p] : pts) {
    if (t <= a) continue;
    if (t >= b) break;
    energy += 0.5 * (prev_p + p) * (t - prev_t);
    prev_t = t;
    prev_p = p;
  }
  energy += 0.5 * (prev_p + power_at(b)) * (b - prev_t);
  return energy;
}

std::optional<double> mean_above(const std::vector<PowerSample>& samples, uint32_t meter,
                                 double threshold_w, Nanos t0, Nanos t1) {
  double sum = 0;
  std::size_t n = 0;
  for (const PowerSample& s : samples) {
    if (s.meter == meter && s.t >= t0 && s.t <= t1 && s.watts > threshold_w) {
      sum += s.watts;
      ++n;
    }
  }
  if (n == 0) return std::nullopt;
  return sum / n;
}

}  // namespace gb
