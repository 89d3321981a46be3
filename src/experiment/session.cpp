#include "experiment/session.h"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>

#include "batching/policy.h"
#include "common/cpus.h"
#include "common/errors.h"
#include "common/files.h"
#include "common/parse.h"
#include "energy/meters.h"
#include "experiment/session_gpu.h"
#include "experiment/settling.h"
#include "inference/loaded_model.h"
#include "profile/profile.h"
#include "runtime/progress_ticker.h"
#include "runtime/stream_runner.h"
#include "workload/arrivals.h"

namespace gb {
namespace {

// 10 updates of the slowest stepped counter (kMinCounterUpdatesPerWindow), the shortest window
// whose energy the counters resolve to a percent; none without a stepped counter.
Nanos default_min_valid_duration(const std::vector<PowerMeter*>& meters) {
  Nanos longest{0};
  for (const PowerMeter* m : meters) {
    if (auto period = m->counter_update_period()) longest = std::max(longest, *period);
  }
  return kMinCounterUpdatesPerWindow * longest;
}

}  // namespace

struct ExperimentSession::Impl {
  SessionSpec base;
  LoadedModel loaded;                       // a model's executor, images and model
  std::unique_ptr<BatchExecutor> executor;  // the noop's or injected; else null
  std::unique_ptr<RequestDriver> driver;    // runs instead of the executor when set
  BatchExecutor* active = nullptr;          // the executor runs use (null with a driver alone)
  std::vector<std::unique_ptr<PowerMeter>> meters;
  std::vector<PowerMeter*> meter_ptrs;
  std::string costs_path;  // the profile `costs` was loaded from ("" = none)
  Settling settling;       // of the idle baseline
  std::shared_ptr<const BatchCosts> costs;
  std::unique_ptr<SessionGpu> gpu;  // after the meters: restores its hold before they close
  LogFn log;                        // the constructor's, for the GPU's changes

  void adopt_meters(std::vector<std::unique_ptr<PowerMeter>> opened) {
    meters = std::move(opened);
    for (auto& m : meters) meter_ptrs.push_back(m.get());
  }
  // The batch costs of spec.profile, read once per session rather than before every run.
  std::shared_ptr<const BatchCosts> costs_for(const RunSpec& spec) {
    if (spec.profile != costs_path) {
      costs = load_costs(spec.profile, spec.model.name);
      costs_path = spec.profile;
    }
    return costs;
  }
};

ExperimentSession::ExperimentSession(const SessionSpec& base, std::size_t max_batch, LogFn log)
    : impl_(std::make_unique<Impl>()) {
  Impl& s = *impl_;
  s.base = base;
  if (base.model.is_noop()) {
    device_name_ = "none (noop model)";
    images_source_ = "none (noop model skips decoding)";
    s.executor = std::make_unique<NoopExecutor>();
    s.active = s.executor.get();
  } else {
    ModelLoad load{base.model,
                   base.weights,
                   base.device,
                   base.images,
                   base.threads,
                   base.model_seed,
                   std::max(max_batch, base.warmup_batch_size)};
    load.engine = base.engine;
    load.precision = base.precision;
    s.loaded = load_model(load, log);
    threads_ = s.loaded.threads;
    numeric_cost_ = s.loaded.numeric_cost;
    images_source_ = s.loaded.images->source();
    device_name_ = s.loaded.device_name;
    s.active = s.loaded.executor.get();
  }
  s.adopt_meters(open_meters(meter_options(base)));
  prepare(log);
}

ExperimentSession::ExperimentSession(const SessionSpec& base, SessionParts parts, LogFn log)
    : impl_(std::make_unique<Impl>()),
      device_name_(std::move(parts.device_name)),
      images_source_(std::move(parts.images_source)) {
  if (!parts.executor && !parts.driver) {
    throw std::invalid_argument("SessionParts without an executor or a driver");
  }
  impl_->base = base;
  impl_->executor = std::move(parts.executor);
  impl_->active = impl_->executor.get();
  impl_->driver = std::move(parts.driver);
  impl_->adopt_meters(std::move(parts.meters));
  prepare(log);
}

void ExperimentSession::prepare(const LogFn& log_fn) {
  const LogFn log = log_fn ? log_fn : [](const std::string&) {};
  Impl& s = *impl_;
  const SessionSpec& base = s.base;
  s.log = log;
  s.gpu = std::make_unique<SessionGpu>(base);
  if (s.loaded.executor && base.warmup_batches > 0) {
    log("warming up: " + std::to_string(base.warmup_batches) +
        (base.warmup_batches == 1 ? " batch of " : " batches of ") +
        std::to_string(base.warmup_batch_size));
    s.loaded.executor->warm_up(base.warmup_batches, base.warmup_batch_size);
  }
  if (base.idle_duration.count() > 0) {
    // After warm-up the thread pools spin down for seconds: a baseline taken at once would count
    // part of that as idle (docs/energy.md, "Settling").
    IdleMeasurement m = measure_idle(s.meter_ptrs, base.sample_interval, base.idle_settle,
                                     base.idle_duration, "", log);
    s.settling = m.settling;
    idle_w_ = std::move(m.idle_w);
  }
}

GpuPrepared ExperimentSession::apply_gpu(const GpuSetting& setting) {
  return impl_->gpu->prepare(setting, impl_->meter_ptrs, impl_->log);
}

std::string ExperimentSession::restore_gpu() {
  const std::string restored = impl_->gpu->restore();
  if (!restored.empty() && impl_->log) impl_->log("restored " + restored);
  return restored;
}

ExperimentSession::~ExperimentSession() = default;

BatchExecutor& ExperimentSession::executor() {
  if (!impl_->active) throw std::logic_error("this session's requests are served by its driver");
  return *impl_->active;
}

const std::vector<PowerMeter*>& ExperimentSession::meters() const { return impl_->meter_ptrs; }

const SessionSpec& ExperimentSession::spec() const { return impl_->base; }

std::string ExperimentSession::energy_method() const {
  EnergyAccount a;
  for (PowerMeter* m : impl_->meter_ptrs) {
    DomainEnergy d;
    d.domain = m->domain();
    d.method = m->method();
    a.domains.push_back(d);
  }
  return a.method();
}

std::string ExperimentSession::energy_detail() const {
  std::string out;
  for (PowerMeter* m : impl_->meter_ptrs) {
    out += (out.empty() ? "" : "; ") + m->domain() + ": " + m->description();
  }
  return out;
}

std::vector<std::string> ExperimentSession::domains() const {
  std::vector<std::string> names;
  for (PowerMeter* m : impl_->meter_ptrs) names.push_back(m->domain());
  return names;
}

RunOutcome ExperimentSession::run(const RunSettings& settings, const ProgressFn& progress) {
  Impl& s = *impl_;
  const RunSpec spec(s.base, settings);
  // A driver's server runs its own batching: the policy is its record, and needs no costs here.
  auto policy = s.driver ? nullptr : spec.policy.build(s.costs_for(spec));
  const std::vector<Nanos> schedule = generate_schedule(spec.arrival, spec.requests, spec.seed);
  // The configuration's GPU setting, for this run only: restored below, or by the hold's
  // destructor when the run throws.
  const GpuPrepared gpu = apply_gpu(spec.gpu);
  const std::vector<double>& idle_w = gpu.idle_w.empty() ? idle_w_ : gpu.idle_w;

  StreamRunner runner;
  const std::string started = utc_now();
  // Before the sampler exists, which would otherwise be the meters' one caller (power_meter.h).
  std::optional<double> temperature, enforced_limit;
  for (PowerMeter* m : s.meter_ptrs) {
    if (!temperature) temperature = m->temperature_c();
    if (!enforced_limit) enforced_limit = m->enforced_power_limit_w();
  }
  // The run's time zero comes after the start edge has been read: a stepped counter's edge waits
  // for its next update (up to ~100 ms, energy/sampler.h), and no request may be released late
  // because of the meter. Samples and readings are moved onto the run's clock afterwards.
  const auto sampler_origin = SteadyClock::now();
  PowerSampler sampler(s.meter_ptrs, spec.sample_interval, sampler_origin);
  sampler.start();
  RunOutcome out;
  EnergyReading begin, end;
  Nanos shift{0};  // the run's time zero on the sampler's clock
  std::optional<std::string> failure;
  {
    const auto completed = [&] { return s.driver ? s.driver->completed() : runner.completed(); };
    ProgressTicker ticker(progress, completed, spec.requests);
    begin = sampler.read_energy();
    const auto origin = SteadyClock::now() + std::chrono::milliseconds(1);
    shift = std::chrono::duration_cast<Nanos>(origin - sampler_origin);
    out.trace = s.driver ? s.driver->drive(schedule, spec, origin)
                         : runner.run(schedule, *policy, *s.active, origin);
    try {
      end = sampler.read_energy();
    } catch (const std::exception& e) {
      failure = e.what();
    }
  }
  sampler.stop();
  out.samples = sampler.samples();
  for (PowerSample& p : out.samples) p.t -= shift;
  begin.t -= shift;
  end.t -= shift;
  if (auto err = sampler.error()) failure = *err;  // the sampler saw it first

  // One window for every figure: time zero to the last completion, as Time(s).
  Nanos window_end = out.trace.end;
  if (failure) {
    // Energy is known only up to the last good sample: integrate the samples over that window
    // (counters cannot be read at its end), and mark the run incomplete.
    Nanos last = begin.t;
    for (const PowerSample& p : out.samples) last = std::max(last, p.t);
    const std::size_t n = s.meter_ptrs.size();
    begin.joules.assign(n, std::nullopt);
    end = EnergyReading{last, std::vector<std::optional<double>>(n)};
    window_end = std::min(window_end, last);
  }
  EnergyAccount energy =
      account_energy(sampler, out.samples, begin, end, Nanos(0), std::max(window_end, Nanos(0)));
  for (std::size_t i = 0; i < energy.domains.size() && i < idle_w.size(); ++i) {
    energy.domains[i].idle_power_w = idle_w[i];
  }
  out.summary = summarize(spec, out.trace, energy, out.samples);
  out.summary.device_name = device_name_;
  out.summary.threads = threads_;
  out.summary.numeric_cost = numeric_cost_;
  out.summary.images_source = images_source_;
  out.summary.started_utc = started;
  if (failure) {
    out.summary.complete = false;
    out.summary.incomplete_reason = "energy meter failed mid-run: " + *failure;
  }
  out.summary.gpu_temperature_c = temperature;
  if (s.driver) s.driver->annotate(out.summary);
  out.summary.gpu_enforced_limit_w = enforced_limit;
  out.summary.gpu_settle_s = gpu.settle_s;
  out.summary.gpu_settled = gpu.settled;
  if (!idle_w_.empty() && s.base.idle_settle.count() > 0) {
    out.summary.idle_settle_s = s.settling.seconds;
    out.summary.idle_spread = s.settling.spread;
    out.summary.idle_settled = s.settling.settled;
  }
  judge_validity(out.summary, spec.min_valid_requests,
                 spec.min_valid_duration.value_or(default_min_valid_duration(s.meter_ptrs)));
  restore_gpu();
  return out;
}

}  // namespace gb
