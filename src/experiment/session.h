// ExperimentSession: one model loaded on one device with its meters, warmed up and with its idle
// baseline measured, ready to run any number of configurations (policies, rates, arrivals) in turn.
// Loading and warming up once per model is what keeps a sweep's overhead low and its configurations
// comparable.
//
// Order of a session: load images -> load model -> move to device -> open meters -> warm up ->
// measure idle power (model loaded, CUDA context alive) -> runs.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "energy/meters.h"
#include "energy/power_meter.h"
#include "energy/sampler.h"
#include "experiment/run_spec.h"
#include "experiment/summary.h"
#include "profile/profile.h"
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

// Called about four times a second from a helper thread while a run is in progress.
using ProgressFn = std::function<void(std::size_t done, std::size_t total, double elapsed_s)>;
// Human-readable status lines (loading, warm-up, idle baseline).
using LogFn = std::function<void(const std::string&)>;

// The meter settings of a run specification (one place, so validation and sessions agree).
MeterOptions meter_options(const RunSpec& spec);

class ExperimentSession {
 public:
  // `max_batch` bounds every batch the planned policies can form (buffers are sized once).
  ExperimentSession(const RunSpec& base, std::size_t max_batch, LogFn log = {});
  ~ExperimentSession();

  // Runs one configuration; `spec` must name the same model, device, images and meters as `base`.
  RunOutcome run(const RunSpec& spec, const ProgressFn& progress = {});

  // One batch size's share of one profiling round (greenbatch profile), added to `into`: unmeasured
  // batches for at least `settle` (and at least two in the first round, one after), so the
  // measurement starts from a machine busy with this size; one energy window of back-to-back
  // batches lasting at least `window` and `min_batches` batches; and with `gap` > 0, isolated
  // batches, each preceded and followed by `gap` of idleness, until there are
  // `isolated_target` of them and `isolated_time` has passed, or `isolated_limit` has passed
  // (never fewer than `isolated_min`); with `short_gap` > 0, batches each after `short_gap` of
  // idleness by the same rule with `short_gap_target` (service time only).
  struct ProfileRound {
    std::size_t size = 1;
    bool first = true;
    Nanos settle{0}, window{0};
    std::size_t min_batches = 1;
    Nanos gap{0}, short_gap{0};
    std::size_t isolated_min = 1, isolated_target = 1, short_gap_target = 1;
    Nanos isolated_time{0}, isolated_limit{0};
  };
  void profile_round(ProfiledBatchBuilder& into, const ProfileRound& r);
  // The meters' methods ("rapl", "estimate+...") and descriptions, for a profile's record.
  std::string energy_method() const;
  std::string energy_detail() const;

  std::vector<std::string> domains() const;
  const std::vector<double>& idle_power_w() const { return idle_w_; }
  const std::string& device_name() const { return device_name_; }
  const std::string& images_source() const { return images_source_; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::vector<double> idle_w_;  // per meter; empty when the baseline is disabled
  std::string device_name_;
  std::string images_source_;
};

}  // namespace gb
