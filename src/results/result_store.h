// ResultStore: a sweep's results in one SQLite file (DIR/results.sqlite).
//
// Contract:
// - The store remembers the experiment file it belongs to (its text and hash). Opening it with a
//   different file is a UsageError unless `fresh`, which empties it first.
// - save() commits one configuration (its summary, per-request records and power samples) in one
//   transaction, with synchronous=FULL: after save() returns, the configuration survives a crash,
//   SIGKILL or power loss; a configuration interrupted before that leaves nothing behind.
// - completed() is what a resumed sweep skips.
#pragma once

#include <sqlite3.h>

#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "energy/sampler.h"
#include "results/experiment_file.h"
#include "results/summary.h"
#include "runtime/run_trace.h"

namespace gb {

struct StoredRun {
  std::size_t index = 0;
  std::size_t repetition = 0;
  nlohmann::ordered_json summary;  // summary_document() of the run
};

class ResultStore {
 public:
  ResultStore(const std::string& path, const ExperimentFile& experiment, bool fresh);
  // Opens an existing store read-only-in-spirit (for export, report, merge): no experiment check.
  explicit ResultStore(const std::string& path);
  ~ResultStore();
  ResultStore(const ResultStore&) = delete;
  ResultStore& operator=(const ResultStore&) = delete;

  std::set<std::size_t> completed() const;
  // Durable (default): each save() is on disk before it returns. Off for results that are cheap to
  // recompute (simulations), where a hundred fsyncs would cost more than the work.
  void set_durable(bool durable) const;
  void save(const Configuration& config, const RunSummary& summary, const RunTrace& trace,
            const std::vector<PowerSample>& samples, const std::vector<std::string>& domains);
  std::vector<StoredRun> runs() const;
  std::string meta(const std::string& key) const;  // "" when absent
  // The machines that produced the stored runs (describe_machine() of each; a merged store has
  // every shard's). add_machine() ignores a description already present.
  nlohmann::ordered_json machines() const;
  void add_machine(const nlohmann::ordered_json& machine) const;

  // Joins the stores in `inputs` into a new store at `output`; all must come from the same
  // experiment file (UsageError otherwise). A configuration present in several is kept once.
  static void merge(const std::string& output, const std::vector<std::string>& inputs);

 private:
  void exec(const std::string& sql) const;
  void create_schema() const;
  void set_meta(const std::string& key, const std::string& value) const;

  sqlite3* db_ = nullptr;
  std::string path_;
};

// The stores a path names: a .sqlite file as is, or every results*.sqlite in a folder (sorted; a
// sweep's store and its shards'). UsageError when a folder holds none.
std::vector<std::string> find_stores(const std::string& path);

}  // namespace gb
