// greenbatch export / merge: a sweep's stores as one CSV row per configuration, and the stores of
// sharded sweeps joined into one.
#include <fmt/format.h>

#include <filesystem>

#include "commands.h"
#include "common/errors.h"
#include "results/aggregate.h"
#include "results/result_store.h"
#include "terminal.h"

namespace gb::cli {

namespace fs = std::filesystem;

Command register_export(CLI::App& app) {
  auto dir = std::make_shared<std::string>();
  auto csv = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand(
      "export", "Write one CSV row per configuration (the paper's columns first) from a sweep");
  cmd->add_option("dir", *dir, "sweep result folder or .sqlite file")->required();
  cmd->add_option("--csv", *csv, "output CSV file")->required();
  return [dir, csv] {
    const std::vector<StoredRun> runs = runs_of_stores(find_stores(*dir));
    const auto rows = aggregate_configurations(runs);
    write_csv(*csv, rows);
    status(fmt::format("{} configurations ({} runs) -> {}", rows.size(), runs.size(), *csv));
    return 0;
  };
}

Command register_merge(CLI::App& app) {
  auto out = std::make_shared<std::string>();
  auto inputs = std::make_shared<std::vector<std::string>>();
  auto mixed = std::make_shared<bool>(false);
  CLI::App* cmd = app.add_subcommand(
      "merge", "Join the stores of sharded sweeps (of the same experiment file) into one");
  cmd->add_option("out", *out, "output folder (OUT/results.sqlite)")->required();
  cmd->add_option("inputs", *inputs, "shard result folders or .sqlite files")->required();
  cmd->add_flag("--allow-mixed-hardware", *mixed,
                "merge shards measured on different CPU or GPU models (refused otherwise); the "
                "report then shows each configuration's hardware");
  return [out, inputs, mixed] {
    std::vector<std::string> files;
    for (const std::string& in : *inputs) {
      for (const std::string& f : find_stores(in)) files.push_back(f);
    }
    const bool existed = fs::exists(*out);
    fs::create_directories(*out);
    const std::string target = (fs::path(*out) / "results.sqlite").string();
    try {
      ResultStore::merge(target, files, *mixed);
    } catch (const UsageError&) {
      std::error_code ec;
      if (!existed) fs::remove(*out, ec);  // refused before writing: leave nothing behind
      throw;
    }
    status(fmt::format("merged {} stores -> {} ({} configurations)", files.size(), target,
                       ResultStore(target).completed().size()));
    return 0;
  };
}

}  // namespace gb::cli
