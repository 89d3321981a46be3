// RunSummary: the figures of one run, derived after the run from its trace and energy account
// (never on the hot path). summary_row() is the single source of the column names and order shared
// by summary.csv, summary.json and the sweep store: the paper's seven columns verbatim first, then
// ours.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/statistics.h"
#include "energy/sampler.h"
#include "results/energy_account.h"
#include "results/run_spec.h"
#include "runtime/run_trace.h"

namespace gb {

struct RunSummary {
  RunSpec spec;
  std::string policy;            // canonical policy string
  std::string batch_size_label;  // the paper's "Batch Size": N for fixed:N, else the policy
  std::string device_name;       // e.g. "cpu (8 threads)" or the GPU's name
  std::string images_source;
  std::string run_id;
  std::string started_utc;
  bool simulated = false;
  bool complete = true;  // false: a meter failed mid-run; figures cover only part of it
  std::string incomplete_reason;

  std::size_t requests = 0;
  std::size_t batches = 0;
  double mean_batch_size = 0;
  double time_s = 0;  // time zero to the end of the last batch
  double throughput_rps = 0;
  Distribution response_s;       // scheduled arrival -> end of its batch (the paper's "wait time")
  Distribution queue_wait_s;     // scheduled arrival -> start of its batch
  Distribution service_s;        // per batch: start -> end
  Distribution release_lag_us;   // how late the harness released requests (its own accuracy)
  bool realtime_issuer = false;  // whether the issuer got real-time priority

  EnergyAccount energy;
  std::optional<double> peak_power_w;  // mean of samples above the peak threshold
  double sample_interval_mean_ms = 0;
  double sample_interval_p99_ms = 0;

  double average_power_w() const { return time_s > 0 ? energy.gross_j() / time_s : 0; }
  double energy_per_image_j() const { return requests ? energy.gross_j() / requests : 0; }
};

RunSummary summarize(const RunSpec& spec, const std::string& policy, const RunTrace& trace,
                     const EnergyAccount& energy, const std::vector<PowerSample>& samples);

// One flat row: paper columns first, then ours. Numbers stay numbers; missing values are null.
nlohmann::ordered_json summary_row(const RunSummary& s);
// The row plus every setting and the per-domain energy, for summary.json.
nlohmann::ordered_json summary_document(const RunSummary& s);

}  // namespace gb
