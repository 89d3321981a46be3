#include "serving/energy_monitor.h"

#include "energy/energy_method.h"
#include "results/energy_account.h"

namespace gb {

EnergyMonitor::EnergyMonitor(std::vector<PowerMeter*> meters, Nanos interval, Nanos window)
    : interval_(interval), window_(window) {
  EnergyMethods methods;
  for (PowerMeter* m : meters) {
    Domain d{m, false, domain_kind(m->domain()) == DomainKind::kPlatform, std::nullopt};
    d.origin_j = m->energy_j();
    d.continuous = d.origin_j && !m->counter_update_period();
    d.watts = m->sample_power_w();
    domains_.push_back(d);
    if (!d.platform) methods.merge({{m->method()}, {}});
  }
  window_method_ = methods.label("+");
  last_ = SteadyClock::now();
  history_.push_back({last_, 0, completed_.load()});
  thread_ = std::thread([this] { loop(); });
}

EnergyMonitor::~EnergyMonitor() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void EnergyMonitor::loop() {
  auto next = SteadyClock::now() + interval_;
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stopping_ && !error_) {
    wake_.wait_until(lock, next, [&] { return stopping_; });
    if (stopping_) break;
    try {
      tick(SteadyClock::now());
    } catch (const std::exception& e) {
      error_ = e.what();
    }
    next += interval_;
  }
}

void EnergyMonitor::tick(SteadyClock::time_point now) {
  const double dt = to_seconds(now - last_);
  double total = 0;
  for (Domain& d : domains_) {
    const double w = d.meter->sample_power_w();
    const std::optional<double> counter = d.origin_j ? d.meter->energy_j() : std::nullopt;
    d.joules = counter ? *counter - *d.origin_j : d.joules + 0.5 * (d.watts + w) * dt;
    d.watts = w;
    if (!d.platform) total += d.joules;
  }
  last_ = now;
  history_.push_back({now, total, completed_.load(std::memory_order_relaxed)});
  while (history_.size() > 2 && now - history_[1].t >= window_) history_.pop_front();
}

std::vector<DomainReading> EnergyMonitor::domains() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<DomainReading> out;
  for (const Domain& d : domains_) {
    out.push_back({d.meter->domain(), method_label(d.meter->method()), d.joules, d.watts});
  }
  return out;
}

std::optional<BatchEnergy> EnergyMonitor::sliding_window() const {
  std::lock_guard<std::mutex> lock(mutex_);
  if (history_.size() < 2) return std::nullopt;
  const Point& a = history_.front();
  const Point& b = history_.back();
  if (b.completed <= a.completed) return std::nullopt;
  return BatchEnergy{(b.joules - a.joules) / static_cast<double>(b.completed - a.completed),
                     window_method_};
}

EnergyMonitor::Edge EnergyMonitor::batch_edge() {
  std::lock_guard<std::mutex> lock(mutex_);
  Edge e{SteadyClock::now(), std::vector<double>(domains_.size(), 0)};
  if (error_) return e;
  try {
    for (std::size_t i = 0; i < domains_.size(); ++i) {
      if (domains_[i].continuous) e.joules[i] = domains_[i].meter->energy_j().value_or(0);
    }
  } catch (const std::exception& ex) {
    error_ = ex.what();
  }
  return e;
}

BatchEnergy EnergyMonitor::batch_energy(const Edge& start, const Edge& end) const {
  std::lock_guard<std::mutex> lock(mutex_);
  BatchEnergy out;
  EnergyMethods methods;
  const double seconds = to_seconds(end.t - start.t);
  for (std::size_t i = 0; i < domains_.size(); ++i) {
    const Domain& d = domains_[i];
    if (d.platform) continue;
    if (d.continuous) {
      out.joules += end.joules[i] - start.joules[i];
      methods.merge({{d.meter->method()}, {}});
    } else {
      out.joules += d.watts * seconds;
      const EnergyMethod m = d.meter->method() == EnergyMethod::kNvmlEnergy
                                 ? EnergyMethod::kNvmlPower
                                 : d.meter->method();
      methods.merge({{m}, {}});
    }
  }
  out.method = methods.label("+");
  return out;
}

std::optional<std::string> EnergyMonitor::error() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return error_;
}

}  // namespace gb
