// The settings of a configuration, split by lifetime: a SessionSpec is what a session loads once
// (model, device, images, meters, warm-up, idle baseline, sampling); RunSettings are what varies
// from run to run within it (arrival, rate, policy, requests, seed, profile, the GPU's power limit
// and clocks). A RunSpec is both,
// and is logged with the results (summary.json), so a figure can always be traced back to
// exactly what produced it.
//
// An ExperimentSession is built from a SessionSpec and runs RunSettings, so "a run names the same
// model, device, images and meters as its session" holds by type.
//
// The model, device, arrival and policy are parsed values (parsed once, where they are read: the
// command line or the experiment file); each keeps the text it was written as, which is what
// results record and configuration ids hash.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "batching/policy_spec.h"
#include "common/cpus.h"
#include "common/device.h"
#include "common/time.h"
#include "energy/gpu_setting.h"
#include "energy/meters.h"
#include "models/engine.h"
#include "models/model_info.h"
#include "workload/arrivals.h"

namespace gb {

// Every request's schedule entry and timestamps stay in memory for the run: beyond 1e8 requests
// that is gigabytes, and days of running at any rate the testbed sustains.
inline constexpr int64_t kMaxRequests = 100'000'000;
// The largest batch a policy may form (parse_policy.cpp): a bigger warm-up batch warms nothing.
inline constexpr int64_t kMaxWarmupBatch = 65536;
// Repetitions of one configuration: statistics settle within tens; more is a typo.
inline constexpr int64_t kMaxRepetitions = 1000;
// Configurations in one grid: each is expanded in memory before anything runs, and a grid this
// large would take years of measuring.
inline constexpr std::size_t kMaxConfigurations = 100'000;
// A power threshold in watts; a whole server draws a few kW, so more is a slip of units.
inline constexpr double kMaxPowerW = 100'000;

struct SessionSpec {
  ModelRef model{ModelRef::Kind::kBuiltin, "shufflenet_v2_x0_5"};
  std::string weights;  // optional state dict for a built-in model
  Device device;        // cpu
  std::string images;   // folder; empty = the built-in set
  std::string meter = "auto";
  std::size_t warmup_batches = 8;
  std::size_t warmup_batch_size = 32;
  // Seeds a built-in model's random initialisation: the experiment's seed, not a repetition's,
  // so every run of a model (and a resumed sweep) serves the same weights.
  uint64_t model_seed = 1;
  Nanos sample_interval{std::chrono::milliseconds(10)};
  Nanos idle_duration{std::chrono::seconds(5)};
  // The most the baseline waits, after warm-up, for idle power to settle (thread pools spinning
  // down: docs/energy.md, "Settling"); 0 measures at once. The wait ends as soon as it settles.
  Nanos idle_settle{std::chrono::seconds(5)};
  double peak_threshold_w = 65;  // the paper's "peak power" threshold (GTX 1080 specific)
  // NVML's index of the GPU to measure (--gpu-index), taken as NVML's; -1: the GPU that the CUDA
  // device is (asked of the CUDA driver), else NVML's GPU with the device's index, else 0.
  int gpu_index = -1;
  // torch's intra-op threads; 0: default_threads() (common/cpus.h), resolved when the session
  // starts. A count given explicitly is part of a configuration's identity.
  int threads = 0;
  // How the model computes (models/engine.h). Each is a lever (results/levers.h), like threads.
  Engine engine = Engine::kEager;
  Precision precision = Precision::kFp32;
  std::string powercap_root = "/sys/class/powercap";
  // Where the requests are served: "" in this process (the model loaded here); "serve", a
  // `greenbatch serve` started for each configuration; or an http:// URL of a running Open
  // Inference Protocol server, driven by `greenbatch load` (docs/serving.md). With a target,
  // `model` is the name the server serves.
  std::string target;

  // Whether two configurations can share one session (everything above equal).
  bool same_session(const SessionSpec& o) const {
    return target == o.target && idle_settle == o.idle_settle && model == o.model &&
           weights == o.weights && device == o.device && images == o.images && meter == o.meter &&
           warmup_batches == o.warmup_batches && warmup_batch_size == o.warmup_batch_size &&
           model_seed == o.model_seed && sample_interval == o.sample_interval &&
           idle_duration == o.idle_duration && peak_threshold_w == o.peak_threshold_w &&
           gpu_index == o.gpu_index && threads == o.threads && engine == o.engine &&
           precision == o.precision && powercap_root == o.powercap_root;
  }
};

struct RunSettings {
  // The grid's rate: 0 where the arrival takes none (offline, trace, bursty with its own rates).
  // `arrival` is parsed with it: set both with set_arrival().
  double rate_hz = 64;
  ArrivalSpec arrival = parse_arrival("paper", 64);
  PolicySpec policy;  // fixed:16 unless set
  std::size_t requests = 512;
  uint64_t seed = 1;    // of the arrival schedule (a repetition's own)
  std::string profile;  // greenbatch profile (JSON): batch costs for the slo and offline policies
  // Below either, a run is kept but not valid for energy (docs/energy.md, "Validity"): too few
  // requests, or too short a window for its meters' counters. min_valid_duration unset: 10 update
  // periods of the slowest stepped counter among the session's meters (none: no minimum).
  std::size_t min_valid_requests = 64;
  std::optional<Nanos> min_valid_duration;
  // The GPU's power limit and locked clocks for this run (energy/gpu_setting.h); empty: the GPU as
  // it is. Applied by the session for the run alone (experiment/session_gpu.h).
  GpuSetting gpu;

  // UsageError as parse_arrival's for a bad name or rate.
  void set_arrival(std::string_view name, double rate) {
    arrival = parse_arrival(name, rate);
    rate_hz = arrival.needs_rate() ? rate : 0;
  }
};

// The meter settings of a session (one place, so preflight and sessions agree). For a CUDA device
// without gpu_index it asks the CUDA driver which GPU the device is (energy/meters.h,
// identify_cuda_gpu), so the answer holds for this process's CUDA environment.
MeterOptions meter_options(const SessionSpec& spec);

struct RunSpec : SessionSpec, RunSettings {
  RunSpec() = default;
  RunSpec(const SessionSpec& s, const RunSettings& r) : SessionSpec(s), RunSettings(r) {}
  const SessionSpec& session() const { return *this; }
  const RunSettings& settings() const { return *this; }
};

}  // namespace gb
