// ResultStore: a sweep's results in one SQLite file (DIR/results.sqlite).
//
// Contract:
// - Runs are keyed by their configuration's id (experiment_file.h), never by its position in the
//   grid: saving a configuration again replaces it, and a grown grid finds its old runs.
// - The store remembers the experiment file it belongs to (its text and hash). Opening it with
//   another file compares the two as parsed (settings and grid, not text: a comment may change):
//   the same experiment is accepted; a grown grid with the same settings (every stored
//   configuration id still in it) extends the store, which then records the new file; anything
//   else is a UsageError naming the first differing key, unless `fresh`, which empties it first.
// - One writer at a time: the writing constructor takes an exclusive flock() on PATH.lock (holding
//   "host H pid P") until the store is destroyed; a second writer is a UsageError naming the
//   holder, or waits with `wait`. The experiment check and the first write are one BEGIN
//   IMMEDIATE transaction. Readers take no lock.
// - Reading never changes the file: the reader opens it read-only (mode=ro; immutable=1 where a
//   WAL store cannot be read otherwise, as on a read-only mount), with SQLite's defensive mode on
//   and untrusted schemas, and refuses an empty file, a file that is not SQLite, and a database
//   without the store's tables and columns, before reading any row.
// - save() commits one configuration (its summary, per-request records and power samples) in one
//   transaction, with synchronous=FULL: after save() returns, the configuration survives a crash,
//   SIGKILL or power loss; a configuration interrupted before that leaves nothing behind.
// - completed() is what a resumed sweep skips.
// - Format: the file is greenbatch-store/2 (store_format.h). Readers also read the previous
//   version, greenbatch-store/1; opening one to write (a resumed sweep, a merge into it) upgrades
//   it in place first. A store that cannot be read is a UsageError saying why and what to do.
#pragma once

#include <sqlite3.h>

#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "energy/sampler.h"
#include "results/experiment_file.h"
#include "results/run_timeline.h"
#include "results/summary.h"
#include "runtime/run_trace.h"

namespace gb {

struct StoredRun {
  std::size_t index = 0;  // the configuration's position in its grid: for order, not identity
  std::size_t repetition = 0;
  nlohmann::ordered_json summary;  // summary_document() of the run
  // Last and `{}`, so that a run built from a summary alone ({index, repetition, summary}: a run
  // folder's) still initialises cleanly; empty there.
  std::string id{};        // Configuration::id
  std::string group_id{};  // Configuration::group_id: aggregation pools runs by it
};

class ResultStore {
 public:
  ResultStore(const std::string& path, const ExperimentFile& experiment, bool fresh,
              bool wait = false);
  // Opens an existing store read-only (for export, report, merge): no experiment check, no lock.
  // A version 1 store is read as it is, never rewritten.
  explicit ResultStore(const std::string& path);
  ~ResultStore();
  ResultStore(const ResultStore&) = delete;
  ResultStore& operator=(const ResultStore&) = delete;

  // The ids of the stored configurations (Configuration::id).
  std::set<std::string> completed() const;
  // Durable (default): each save() is on disk before it returns. Off for results that are cheap to
  // recompute (simulations), where a hundred fsyncs would cost more than the work.
  void set_durable(bool durable) const;
  void save(const Configuration& config, const RunSummary& summary, const RunTrace& trace,
            const std::vector<PowerSample>& samples, const std::vector<std::string>& domains);
  // In grid order (index), then by id.
  std::vector<StoredRun> runs() const;
  // The power samples (binned) and batches of one stored configuration, bounded as
  // results/run_timeline.h says; empty for a simulated one. Defined in run_timeline.cpp.
  RunTimeline timeline(const std::string& config_id) const;
  std::string meta(const std::string& key) const;  // "" when absent
  // The machines that produced the stored runs (describe_machine() of each; a merged store has
  // every shard's). add_machine() ignores a description already present.
  nlohmann::ordered_json machines() const;
  void add_machine(const nlohmann::ordered_json& machine) const;
  // add_machine(), and from now on every save() records `machine` as the one its configuration
  // ran on (run_machines()): a sweep calls it once, with the machine it measures.
  void use_machine(const nlohmann::ordered_json& machine);
  // Which machine ran each stored configuration: id -> index into machines(). Recorded by save()
  // after use_machine() and carried over by merge(); a configuration without a record (saved by
  // an older greenbatch) is given the store's machine when it has exactly one, else left out.
  // Indices are checked against machines(); a record from a file that does not fit is ignored.
  std::map<std::string, std::size_t> run_machines() const;
  // How many configurations the experiment file given to the writing constructor adds to the one
  // the store held (a grown grid); 0 when it is the same experiment or the store is new.
  std::size_t grown_by() const { return grown_by_; }

  // Joins the stores in `inputs` into a new store at `output`; all must come from the same
  // experiment file (UsageError otherwise). A configuration (id) present in several is kept once.
  // The stores' machines (and `output`'s, if it exists) must be of one hardware (hardware_of()),
  // or it is a UsageError naming two that differ, unless `allow_mixed_hardware`; either way every
  // merged configuration keeps its machine (run_machines()). Nothing is written before the checks.
  static void merge(const std::string& output, const std::vector<std::string>& inputs,
                    bool allow_mixed_hardware = false);

 private:
  void exec(const std::string& sql) const;
  void set_meta(const std::string& key, const std::string& value) const;
  void set_run_machines(const std::map<std::string, std::size_t>& ids) const;
  // The runs table in the current layout's columns, whatever the file's version.
  std::string runs_table() const;

  struct Close {
    void operator()(sqlite3* db) const { sqlite3_close(db); }
  };
  // Owned, so that a constructor that refuses the file still closes it.
  std::unique_ptr<sqlite3, Close> db_;
  std::string path_;
  int version_ = 0;   // of the file as opened: 1 only for a reader of a version 1 store
  int lock_fd_ = -1;  // the writer's flock on PATH.lock
  std::size_t grown_by_ = 0;
  std::optional<std::size_t> machine_;  // use_machine()'s, as an index into machines()
};

// Refuses (UsageError) to write `store` for `experiment` when another results*.sqlite in its folder
// holds another experiment: every store of one folder (a sweep's and its shards') must come from
// one experiment file, or export, report and merge would mix them. A sibling of the same
// experiment, or of one that `experiment` extends (a grown grid), is accepted; an empty sibling
// (a shard being created) is skipped.
void check_folder_experiment(const std::string& store, const ExperimentFile& experiment);

// The stores a path names: a .sqlite file as is, or every results*.sqlite in a folder (sorted; a
// sweep's store and its shards'). UsageError when a folder holds none, unless `allow_none`.
std::vector<std::string> find_stores(const std::string& path, bool allow_none = false);

// The runs of several stores (a sweep's store and its shards), each configuration once by content
// id, the first store's copy kept: unmerged shards, or a merged store beside its shards, may hold
// the same configuration, at different indices.
std::vector<StoredRun> runs_of_stores(const std::vector<std::string>& paths);

}  // namespace gb
