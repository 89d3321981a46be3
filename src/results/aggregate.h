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

// Rows in the order their configurations first appear in `runs`. Every field read is checked
// first: a summary that is not an object, lacks energy_per_image_j, p99_response_s or
// max_response_s, or holds another kind than a column's (text for model, device, arrival and
// policy; a number or null for rate_hz; a number for an averaged column) is a UsageError naming
// the run (its run_id, else its id, else its 1-based position) and the field.
std::vector<nlohmann::ordered_json> aggregate_configurations(const std::vector<StoredRun>& runs);

// Writes rows as CSV (header = keys of the first row), atomically (common/files.h). UsageError
// when the file's folder is missing or not writable.
void write_csv(const std::string& path, const std::vector<nlohmann::ordered_json>& rows);

}  // namespace gb
