// Aggregation of stored runs into one row per configuration (repetitions folded): numeric columns
// are averaged, text columns kept, and the figures that decide a recommendation — energy per image,
// p99 and max response — gain 95 % confidence intervals. Column order: the paper's first, then
// ours, as in summary.csv. Used by `greenbatch export` and the report.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "results/result_store.h"

namespace gb {

std::vector<nlohmann::ordered_json> aggregate_configurations(const std::vector<StoredRun>& runs);

// Writes rows as CSV (header = keys of the first row), atomically.
void write_csv(const std::string& path, const std::vector<nlohmann::ordered_json>& rows);

}  // namespace gb
