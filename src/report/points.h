// ConfigPoint: one configuration's figures as the report uses them (repetitions already folded by
// aggregate_configurations), read from the aggregated rows of `greenbatch export`.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "batching/policy_spec.h"

namespace gb {

struct ConfigPoint {
  std::string model;
  std::string device;
  std::string arrival;
  std::optional<double> rate_hz;  // none for offline
  std::string policy;             // canonical, e.g. "fixed:16", "greedy:128"
  // `policy` parsed once when the row is read; none when this greenbatch cannot read it (a row
  // from another version), which then counts as neither greedy nor unbatched.
  std::optional<PolicySpec> policy_spec;
  double mean_batch_size = 0;
  double energy_per_image_j = 0;
  std::optional<double> energy_ci95;
  double max_response_s = 0;
  std::optional<double> max_ci95;
  double p99_response_s = 0;
  std::optional<double> p99_ci95;
  double average_power_w = 0;
  std::optional<double> peak_power_w;
  std::string energy_method;
  std::size_t repetitions = 1;
  bool simulated = false;
  // The workload as run, for what report/export_configs.h simulates: requests per run (0:
  // unknown), the first repetition's seed (none: unknown or not an integer), the longest queue
  // wait (none: not recorded).
  std::size_t requests = 0;
  std::optional<uint64_t> seed;
  std::optional<double> max_queue_wait_s;
  // Each lever's value (results/levers.h), in levers() order, as canonical text: a row without
  // the column (from before the lever existed) holds its baseline; threads hold the count run.
  // Points built elsewhere may leave it short: a missing value is the lever's baseline.
  std::vector<std::string> levers;

  // "16/s" or "offline": the workload, which a recommendation does not choose.
  std::string rate_label() const;
  // Greedy batching; no batching at all (no batch above one, whatever the policy).
  bool greedy() const { return policy_spec && policy_spec->kind == PolicySpec::Kind::kGreedy; }
  bool unbatched() const { return policy_spec && policy_spec->max_batch() == 1; }
};

// The energy methods of `points`, each once, sorted and comma-separated ("estimate, rapl").
std::string energy_methods(const std::vector<ConfigPoint>& points);

// "16/s", or "offline" when there is no rate.
std::string rate_label(const std::optional<double>& rate_hz);

std::vector<ConfigPoint> points_from_rows(const std::vector<nlohmann::ordered_json>& rows);

// A row's lever values as ConfigPoint::levers holds them.
std::vector<std::string> levers_of_row(const nlohmann::ordered_json& row);

// A row's policy string as a PolicySpec; none when this greenbatch cannot read it.
std::optional<PolicySpec> policy_of_row(const std::string& policy);

}  // namespace gb
