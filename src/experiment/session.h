// ExperimentSession: one model loaded on one device with its meters, warmed up and with its idle
// baseline measured, ready to run any number of configurations (policies, rates, arrivals) in turn.
// Loading and warming up once per model is what keeps a sweep's overhead low and its configurations
// comparable.
//
// Order of a session: load images -> load model -> move to device -> convert to the engine and
// precision (measuring their numeric cost on the images: inference/prepare.h) -> open meters ->
// warm up -> wait for idle power to settle (at most base.idle_settle) -> measure idle power (model
// loaded, CUDA context alive) -> runs.
//
// Contract:
// - The constructor does everything up to the idle baseline; a meter that fails during the
//   baseline throws RunError. A session built from SessionParts skips loading and warm-up (its
//   executor is ready as given) but measures the baseline the same way.
// - Settling (docs/energy.md, "Settling") ends when the last 3 windows' mean powers lie within
//   3 % of each other for every meter, or at the bound, which logs a warning; every run's summary
//   records how long it took, whether it settled and the spread (RunSummary::idle_*).
// - run() reads the meters' temperature_c() before it starts sampling (the first meter that has
//   one: RunSummary::gpu_temperature_c), and judges the run's validity for energy
//   (judge_validity) by its settings' min_valid_requests and min_valid_duration, the latter by
//   default 10 update periods of the slowest stepped counter among the meters.
// - run() applies its settings' GPU setting (power limit, locked clocks) for the run alone,
// settling
//   after any change, and restores it before returning (experiment/session_gpu.h); the summary
//   records the setting, the enforced power limit read at the start (RunSummary::gpu_*) and the
//   settling. Under a setting, the idle power is the baseline measured under it.
// - run() returns a run whose meter failed during it, marked incomplete (see RunOutcome). It
//   throws on bad input (a policy or arrival spec, a profile), on errors of the executor, and
//   when a meter fails before the run has started.
// - One thread at a time: run() and the accessors below must not overlap.
//
// Lifetimes: the LogFn is used inside the constructor and by the GPU's changes (run(),
// apply_gpu()), so it must outlive the session; the ProgressFn only inside run() (called about
// four times a second from a helper thread: runtime/progress_ticker.h).
// executor() and meters() refer into the session and live as long as it does.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "energy/meters.h"
#include "energy/power_meter.h"
#include "energy/sampler.h"
#include "experiment/session_gpu.h"
#include "results/run_spec.h"
#include "results/summary.h"
#include "runtime/batch_executor.h"
#include "runtime/progress_ticker.h"
#include "runtime/run_trace.h"

namespace gb {

// A run whose meter failed (a GPU lost mid-run) still returns what was measured until then, with
// summary.complete false and summary.incomplete_reason saying why; callers keep it marked as such
// and then report the failure.
struct RunOutcome {
  RunSummary summary;
  RunTrace trace;
  std::vector<PowerSample> samples;
};

// Human-readable status lines (loading, warm-up, idle baseline).
using LogFn = std::function<void(const std::string&)>;

// What serves a run's requests when it is not the session's own executor under the in-process
// StreamRunner: `greenbatch load` sends them to a server over HTTP (experiment/load_session.h).
// The session still owns the meters, the idle baseline, the sampler window and the summary.
class RequestDriver {
 public:
  virtual ~RequestDriver() = default;
  // Sends `schedule`'s requests (ns from `origin`) for `spec` and returns what happened, on the
  // RunTrace's terms (docs/serving.md says how a request's answer maps onto them).
  virtual RunTrace drive(const std::vector<Nanos>& schedule, const RunSpec& spec,
                         SteadyClock::time_point origin) = 0;
  // Requests answered so far in the current drive() (any thread; for progress only).
  virtual std::size_t completed() const = 0;
  // Adds what only the driver knows (failures, the server's batches) to the run's summary.
  virtual void annotate(RunSummary& summary) const {}
};

// What a session runs on, made elsewhere: the test seam (a fake executor and fake meters), or a
// driver that serves the requests elsewhere (then the executor may be null). The session takes
// ownership of all of them.
struct SessionParts {
  std::unique_ptr<BatchExecutor> executor;
  std::unique_ptr<RequestDriver> driver;
  std::vector<std::unique_ptr<PowerMeter>> meters;
  std::string device_name = "injected";
  std::string images_source = "injected";
};

class ExperimentSession {
 public:
  // Loads `base.model` and opens `base`'s meters. `max_batch` bounds every batch the planned
  // policies can form (buffers are sized once).
  ExperimentSession(const SessionSpec& base, std::size_t max_batch, LogFn log = {});
  // Runs on `parts` instead; `base` gives the idle baseline's length and settling bound and the
  // sample interval.
  ExperimentSession(const SessionSpec& base, SessionParts parts, LogFn log = {});
  ~ExperimentSession();

  // Runs one configuration of this session: the run's own settings on the session's model,
  // device, images and meters (a RunSpec passes as its RunSettings). The summary's spec is both.
  RunOutcome run(const RunSettings& settings, const ProgressFn& progress = {});

  // For protocols that drive the executor and the meters themselves (experiment/profiling.h):
  // the GPU setting for what follows, until restore_gpu() (SessionGpu::prepare and ::restore;
  // restoring is logged).
  GpuPrepared apply_gpu(const GpuSetting& setting);
  std::string restore_gpu();
  // REQUIRES: the session has an executor (not a driver's alone).
  BatchExecutor& executor();
  const std::vector<PowerMeter*>& meters() const;
  const SessionSpec& spec() const;  // `base` as given to the constructor

  // The meters' methods ("rapl", "estimate+...") and descriptions, for a profile's record.
  std::string energy_method() const;
  std::string energy_detail() const;

  std::vector<std::string> domains() const;
  const std::vector<double>& idle_power_w() const { return idle_w_; }
  const std::string& device_name() const { return device_name_; }
  // torch's intra-op threads the model runs with; 0 for the noop model and injected parts.
  int threads() const { return threads_; }
  // What the session's engine and precision cost in accuracy (inference/prepare.h); unmeasured
  // (images 0) for the noop model and injected parts.
  const NumericCost& numeric_cost() const { return numeric_cost_; }
  const std::string& images_source() const { return images_source_; }

 private:
  struct Impl;
  // Warm-up and idle baseline: the part of construction both constructors share.
  void prepare(const LogFn& log);

  std::unique_ptr<Impl> impl_;
  std::vector<double> idle_w_;  // per meter; empty when the baseline is disabled
  std::string device_name_;
  std::string images_source_;
  int threads_ = 0;
  NumericCost numeric_cost_;
};

}  // namespace gb
