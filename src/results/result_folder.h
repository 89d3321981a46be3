// ResultFolder: the files a `run` leaves in --out DIR. Each file is written complete under a
// temporary name and renamed into place, so a crash or Ctrl-C never leaves a half-written file that
// looks complete. Appending a run to a folder adds one row to summary.csv and one object to
// summary.json, and its requests and power samples, tagged with its run_id, to requests.csv and
// power.csv. summary.csv is renamed last: a run is in the folder when its summary row is.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "energy/sampler.h"
#include "results/summary.h"
#include "runtime/run_trace.h"

namespace gb {

class ResultFolder {
 public:
  // Creates the folder if needed and checks that it can be written (UsageError otherwise), before
  // any measurement starts.
  // It also takes the folder's writer lock (.gb-write.lock): a second `run --out` on the same
  // folder is a UsageError naming the holder, since both would claim ids and append rows.
  explicit ResultFolder(std::string path);
  ~ResultFolder();
  ResultFolder(const ResultFolder&) = delete;
  ResultFolder& operator=(const ResultFolder&) = delete;

  // Claims a fresh run id for this folder: "run-N", N one more than any id used before, including
  // one claimed by a run that died before its summary row was written (its orphan rows in
  // requests.csv and power.csv then keep their own id instead of mixing with the next run's). The
  // claim is recorded in the folder (.gb-last-run) before the run's rows are.
  std::string claim_run_id() const;

  // `domains` names the meters of the power samples (by PowerSample::meter index).
  void append(const RunSummary& summary, const RunTrace& trace,
              const std::vector<PowerSample>& samples, const std::vector<std::string>& domains,
              bool write_traces = true) const;

  // Adds a machine description (describe_machine()) to machine.json, an array, unless present.
  void add_machine(const nlohmann::ordered_json& machine) const;
  // The machines recorded in the folder at `path` (empty array when none).
  static nlohmann::ordered_json machines(const std::string& path);

  const std::string& path() const { return path_; }

 private:
  std::string path_;
  int lock_fd_ = -1;
};

// A results JSON file (summary.json, machine.json) of a folder that may come from anyone: at most
// kMaxResultsJsonBytes and kMaxJsonDepth levels deep, checked before parsing. UsageError naming
// the file when it is missing, too large, too deep or not JSON.
inline constexpr std::uintmax_t kMaxResultsJsonBytes = std::uintmax_t{1} << 30;
nlohmann::ordered_json read_results_json(const std::string& path);

// CSV cell text for a JSON scalar: numbers with full precision, null as empty, strings quoted when
// they hold a comma, quote or newline.
std::string csv_cell(const nlohmann::ordered_json& value);
// The CSV header of a flat row: its keys, in order. No newline.
std::string csv_header(const nlohmann::ordered_json& row);
// The cells of `row` for the columns of `layout` (its keys, in order; a row that lacks one gets an
// empty cell), so every line of a file follows one header. No newline.
std::string csv_line(const nlohmann::ordered_json& row, const nlohmann::ordered_json& layout);

}  // namespace gb
