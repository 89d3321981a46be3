// Aggregation of stored runs into one row per configuration (repetitions folded): numeric columns
// are averaged, text columns kept, and the figures that decide a recommendation — energy per image,
// p99 and max response — gain 95 % confidence intervals. Runs pool by their group id (the
// configuration without its repetition, experiment_file.h); runs without one (a run folder's)
// pool by model, device, arrival, rate and policy. Column order: the paper's first, then ours, as
// in summary.csv, then repetitions, the intervals and group_id (null for runs without one). Used by
// `greenbatch export` and the report.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "results/result_store.h"

namespace gb {

// Rows in the order their configurations first appear in `runs`.
std::vector<nlohmann::ordered_json> aggregate_configurations(const std::vector<StoredRun>& runs);

// Writes rows as CSV (header = keys of the first row), atomically (common/files.h). UsageError
// when the file's folder is missing or not writable.
void write_csv(const std::string& path, const std::vector<nlohmann::ordered_json>& rows);

}  // namespace gb
