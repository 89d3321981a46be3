#include "report/report.h"

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "common/errors.h"
#include "common/files.h"
#include "report/html.h"
#include "results/aggregate.h"
#include "results/machine.h"
#include "results/result_folder.h"
#include "results/result_store.h"
#include "results/summary.h"

namespace gb {
namespace fs = std::filesystem;
namespace {

using nlohmann::ordered_json;

struct Loaded {
  std::vector<StoredRun> runs;
  ordered_json machines = ordered_json::array();
  std::string name, experiment_text;
};

Loaded load_stores(const std::vector<std::string>& stores) {
  Loaded l;
  l.runs = runs_of_stores(stores);  // each configuration once, as export and merge count them
  for (const std::string& path : stores) {
    ResultStore store(path);
    if (l.name.empty()) {
      l.name = store.meta("experiment_name");
      l.experiment_text = store.meta("experiment_text");
    }
    for (const auto& m : store.machines()) add_unique_machine(l.machines, m);
  }
  return l;
}

// A run folder: its summary.json documents, each checked for a format this version reads.
Loaded load_run_folder(const std::string& input, const fs::path& summary) {
  check_link_stays_inside(summary.string(), input);
  check_link_stays_inside((fs::path(input) / "machine.json").string(), input);
  const ordered_json docs = read_results_json(summary.string());
  if (!docs.is_array()) throw UsageError("'" + summary.string() + "' is not a greenbatch summary");
  Loaded l;
  l.name = fs::absolute(input).lexically_normal().filename().string();
  std::size_t i = 0;
  for (const auto& d : docs) {
    check_results_format(d, summary.string());
    l.runs.push_back({i++, 0, d});
  }
  l.machines = ResultFolder::machines(input);
  return l;
}

Loaded load(const std::string& input) {
  std::error_code ec;
  if (fs::is_regular_file(input, ec)) {
    if (input.size() > 7 && input.compare(input.size() - 7, 7, ".sqlite") == 0) {
      return load_stores({input});
    }
    throw UsageError("'" + input + "' is neither a result folder nor a results .sqlite store");
  }
  if (!fs::is_directory(input, ec)) throw UsageError("'" + input + "' does not exist");
  std::vector<std::string> stores;
  try {
    stores = find_stores(input);
  } catch (const UsageError&) {
    // Its one refusal, a folder without results*.sqlite: then it may be a run folder.
  }
  for (const std::string& s : stores) check_link_stays_inside(s, input);
  if (!stores.empty()) return load_stores(stores);
  const fs::path summary = fs::path(input) / "summary.json";
  if (!fs::exists(summary)) {
    throw UsageError("'" + input +
                     "' holds no greenbatch results (no results*.sqlite, no summary.json)");
  }
  return load_run_folder(input, summary);
}

}  // namespace

ReportContent build_report(const ReportOptions& options) {
  if (!(options.slo_s > 0)) throw UsageError("--slo must be > 0");
  ReportContent c;
  c.options = options;
  Loaded loaded = load(options.input);
  std::vector<StoredRun> complete;
  std::size_t incomplete = 0;
  for (StoredRun& r : loaded.runs) {
    if (r.summary.value(columns::kComplete, true)) {
      complete.push_back(std::move(r));
    } else {
      ++incomplete;
    }
  }
  if (complete.empty()) throw UsageError("'" + options.input + "' holds no complete runs");
  if (incomplete) {
    c.notes.push_back(fmt::format(
        "{} run(s) marked incomplete (a meter failed mid-run) are left out.", incomplete));
  }
  c.rows = aggregate_configurations(complete);
  static_cast<ReportAnalysis&>(c) = analyse(c.rows, options.slo_s);
  c.title = loaded.name;
  c.experiment_text = loaded.experiment_text;
  c.machines = loaded.machines;
  std::set<std::string> versions;
  for (const StoredRun& r : complete) versions.insert(r.summary.value(columns::kVersion, "?"));
  c.versions.assign(versions.begin(), versions.end());

  if (c.options.out.empty()) {
    const fs::path in(options.input);
    c.options.out = ((fs::is_directory(in) ? in : in.parent_path()) / "report").string();
  }
  std::error_code ec;
  // A folder from someone else may hold a planted link (report/ -> /etc, fig2_1.svg -> a file of
  // yours): nothing is written through one.
  if (fs::is_symlink(c.options.out, ec)) {
    throw UsageError("'" + c.options.out +
                     "' is a symbolic link; report writes only into a real folder (remove the "
                     "link or give --out)");
  }
  if (fs::is_directory(c.options.out, ec)) {
    for (const auto& e : fs::directory_iterator(c.options.out, ec)) {
      if (e.is_symlink(ec)) {
        throw UsageError("'" + e.path().string() +
                         "' is a symbolic link; report does not write through links (remove it)");
      }
    }
  }
  fs::create_directories(c.options.out, ec);
  if (ec) throw UsageError("cannot create '" + c.options.out + "': " + ec.message());
  c.figures = draw_figures(c, FigureOptions{c.options.out, options.compare_paper}, &c.notes);
  write_file_atomically((fs::path(c.options.out) / "report.html").string(), render_html(c));
  return c;
}

}  // namespace gb
