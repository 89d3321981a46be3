// ResultStore::merge: the stores of a sharded sweep joined into one (result_store.h has the
// contract), apart from the rest of the store because it reads many stores before writing one.
#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <utility>

#include "common/errors.h"
#include "results/experiment_compare.h"
#include "results/machine.h"
#include "results/result_store.h"
#include "results/sqlite.h"
#include "results/store_format.h"

namespace gb {

using sqlite::Statement;

namespace {

// The experiment a store records, parsed (its text is data from anyone: the parser's checks apply).
ExperimentFile stored_experiment(const ResultStore& store, const std::string& path) {
  const std::string hash = store.meta("experiment_hash");
  if (hash.empty()) throw UsageError("'" + path + "' is not a greenbatch result store");
  return parse_experiment(store.meta("experiment_text"), "the experiment of '" + path + "'");
}

// Of two experiments, the one whose grid holds the other's (settings equal), or UsageError naming
// the first difference: shards of a sweep whose grid grew between them merge into the larger.
ExperimentFile& larger_experiment(ExperimentFile& a, const std::string& a_path, ExperimentFile& b,
                                  const std::string& b_path) {
  if (compare_experiments(b.text, std::to_string(b.hash), a).kind != Comparison::kDifferent) {
    return a;
  }
  const Comparison c = compare_experiments(a.text, std::to_string(a.hash), b);
  if (c.kind != Comparison::kDifferent) return b;
  throw UsageError("'" + b_path + "' comes from a different experiment than '" + a_path + "' (" +
                   c.why + "); refusing to merge");
}

// Refuses (UsageError) stores whose machines are of different hardware, unless `allow`: their
// figures would not be comparable, and a merged store hides which shard a row came from.
void check_one_hardware(const std::vector<std::string>& stores, bool allow) {
  std::string first, first_store;
  for (const std::string& path : stores) {
    for (const auto& m : ResultStore(path).machines()) {
      const std::string hardware = hardware_of(m);
      if (first.empty()) {
        first = hardware;
        first_store = path;
      } else if (hardware != first && !allow) {
        throw UsageError(fmt::format(
            "'{}' was measured on {}, but '{}' on {}: the shards of one sweep must measure the "
            "same hardware to be compared (keep a sweep on one node type, e.g. sbatch "
            "--constraint; docs/slurm.md); --allow-mixed-hardware merges them anyway, and the "
            "report then shows each configuration's hardware",
            path, hardware, first_store, first));
      }
    }
  }
}

}  // namespace

void ResultStore::merge(const std::string& output, const std::vector<std::string>& inputs,
                        bool allow_mixed_hardware) {
  if (inputs.empty()) throw UsageError("merge needs at least one input store");
  // Every store is read (and refused if it cannot be) before anything is written.
  ExperimentFile experiment = stored_experiment(ResultStore(inputs.front()), inputs.front());
  std::string from = inputs.front();
  for (const std::string& in : inputs) {
    ExperimentFile e = stored_experiment(ResultStore(in), in);
    ExperimentFile& larger = larger_experiment(experiment, from, e, in);
    if (&larger == &e) {
      experiment = std::move(e);
      from = in;
    }
  }
  if (std::filesystem::exists(output)) {
    const ResultStore existing(output);
    if (!existing.meta("experiment_hash").empty()) {
      ExperimentFile e = stored_experiment(existing, output);
      ExperimentFile& larger = larger_experiment(experiment, from, e, output);
      if (&larger == &e) experiment = std::move(e);
    }
  }
  std::vector<std::string> all = inputs;
  if (std::filesystem::exists(output)) all.push_back(output);
  check_one_hardware(all, allow_mixed_hardware);
  ResultStore out(output, experiment, false);
  std::map<std::string, std::size_t> run_machines = out.run_machines();
  for (const std::string& in : inputs) {
    const std::set<std::string> before = out.completed();
    // Read-only: merging never changes an input.
    Statement attach(out.db_.get(), "ATTACH DATABASE ? AS src");
    attach.bind(1, sqlite::uri(std::filesystem::absolute(in).string(), "mode=ro")).run_and_reset();
    try {
      const int version = store_version(out.db_.get(), "src", in);
      if (version == 1) map_v1_ids(out.db_.get(), "src", in);
      const auto rows = [&](const char* table) { return rows_as_current(table, "src.", version); };
      const std::string fresh = " WHERE config_id NOT IN (SELECT config_id FROM main.runs);";
      out.exec(
          "BEGIN IMMEDIATE;"
          "INSERT INTO requests SELECT * FROM (" +
          rows("requests") + ")" + fresh + "INSERT INTO power SELECT * FROM (" + rows("power") +
          ")" + fresh + "INSERT OR IGNORE INTO runs " + rows("runs") + ";COMMIT;");
    } catch (...) {
      sqlite::rollback(out.db_.get());
      sqlite3_exec(out.db_.get(), "DETACH DATABASE src", nullptr, nullptr, nullptr);
      throw;
    }
    out.exec("DETACH DATABASE src");
    // Each configuration taken from `in` keeps its machine, renumbered into the output's list.
    const ResultStore source(in);
    const nlohmann::ordered_json machines = source.machines();
    for (const auto& m : machines) out.add_machine(m);
    const nlohmann::ordered_json merged = out.machines();
    for (const auto& [id, machine] : source.run_machines()) {
      if (before.count(id)) continue;
      const auto at = std::find(merged.begin(), merged.end(), machines[machine]);
      run_machines[id] = static_cast<std::size_t>(at - merged.begin());
    }
  }
  out.set_run_machines(run_machines);
}

}  // namespace gb
