// EnergyMonitor: a server's energy meters, read in the background for as long as it runs, in
// bounded memory (the run-time PowerSampler keeps every sample for a run's files; a server runs
// for weeks). Each domain keeps its method: the cumulative joules come from its counter when it
// has one, else from its power readings integrated by the trapezoid rule.
//
// Per-batch energy (serve --energy-per-request): batch_edge() reads, at a batch's start and end,
// the domains whose counter is read continuously (RAPL, the estimator's exact CPU-time model);
// a domain whose counter steps (NVML's, every ~20-100 ms) or that has no counter cannot resolve
// one batch, so it contributes its latest measured power x the batch's duration and is labelled
// nvml-power (docs/serving.md, "Energy per request").
//
// Contract: meter calls are serialised under one lock (PowerMeter's contract), from the monitor's
// thread and from batch_edge()'s caller. A meter error stops the monitor and is kept (error());
// the figures then stay as they were. The history that sliding_window() reads is bounded: one
// point per interval over `window`.
//
// Lifetime: keeps the meters by pointer; they must outlive it.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "common/time.h"
#include "energy/power_meter.h"

namespace gb {

struct DomainReading {
  std::string domain;
  std::string method;  // method_label() of the meter
  double joules = 0;   // since the monitor started
  double watts = 0;    // over the latest interval
};

// A batch's energy over every domain but platform ones (the total's rule: results/energy_account.h
// has it for runs), and how it was obtained ("rapl", "estimate", "nvml-power", or a '+' join).
struct BatchEnergy {
  double joules = 0;
  std::string method;
};

class EnergyMonitor {
 public:
  EnergyMonitor(std::vector<PowerMeter*> meters, Nanos interval, Nanos window);
  ~EnergyMonitor();
  EnergyMonitor(const EnergyMonitor&) = delete;
  EnergyMonitor& operator=(const EnergyMonitor&) = delete;

  // Images served (any thread): sampled with the energy for sliding_window().
  void count_images(uint64_t n) { completed_.fetch_add(n, std::memory_order_relaxed); }
  std::vector<DomainReading> domains() const;
  // Energy per image served over the last `window` (total's domains), with its method; nullopt
  // before two points or when no image completed in the window.
  std::optional<BatchEnergy> sliding_window() const;
  Nanos window() const { return window_; }

  // Cumulative joules per domain now, for batch_energy(); the edge of a batch.
  struct Edge {
    SteadyClock::time_point t;
    std::vector<double> joules;
  };
  Edge batch_edge();
  BatchEnergy batch_energy(const Edge& start, const Edge& end) const;
  std::optional<std::string> error() const;

 private:
  void loop();
  void tick(SteadyClock::time_point now);  // REQUIRES: mutex_ held

  struct Domain {
    PowerMeter* meter;
    bool continuous;  // a counter read at any instant (no steps)
    bool platform;    // not in the total
    std::optional<double> origin_j;
    double joules = 0, watts = 0;
  };
  struct Point {
    SteadyClock::time_point t;
    double joules;  // total's domains
    uint64_t completed;
  };

  std::vector<Domain> domains_;
  Nanos interval_, window_;
  std::atomic<uint64_t> completed_{0};
  SteadyClock::time_point last_;
  std::deque<Point> history_;
  std::string window_method_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::optional<std::string> error_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace gb
