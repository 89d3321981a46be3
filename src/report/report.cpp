#include "report/report.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>

#include "common/errors.h"
#include "common/files.h"
#include "report/html.h"
#include "results/aggregate.h"
#include "results/result_folder.h"
#include "results/result_store.h"

namespace gb {
namespace fs = std::filesystem;
namespace {

using nlohmann::ordered_json;

struct Loaded {
  std::vector<StoredRun> runs;
  ordered_json machines = ordered_json::array();
  std::string name, experiment_text;
};

void add_machines(ordered_json& into, const ordered_json& more) {
  for (const auto& m : more) {
    if (std::find(into.begin(), into.end(), m) == into.end()) into.push_back(m);
  }
}

Loaded load_stores(const std::vector<std::string>& stores) {
  Loaded l;
  std::set<std::size_t> seen;
  for (const std::string& path : stores) {
    ResultStore store(path);
    if (l.name.empty()) {
      l.name = store.meta("experiment_name");
      l.experiment_text = store.meta("experiment_text");
    }
    for (StoredRun& r : store.runs()) {
      if (seen.insert(r.index).second) l.runs.push_back(std::move(r));  // unmerged shards
    }
    add_machines(l.machines, store.machines());
  }
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
  for (const auto& e : fs::directory_iterator(input, ec)) {
    const std::string name = e.path().filename().string();
    if (name.rfind("results", 0) == 0 && e.path().extension() == ".sqlite") {
      stores.push_back(e.path().string());
    }
  }
  std::sort(stores.begin(), stores.end());
  if (!stores.empty()) return load_stores(stores);
  const fs::path summary = fs::path(input) / "summary.json";
  if (!fs::exists(summary)) {
    throw UsageError("'" + input +
                     "' holds no greenbatch results (no results*.sqlite, no summary.json)");
  }
  std::ifstream in(summary);
  const ordered_json docs = ordered_json::parse(in, nullptr, false);
  if (!docs.is_array()) throw UsageError("'" + summary.string() + "' is not a greenbatch summary");
  Loaded l;
  l.name = fs::absolute(input).lexically_normal().filename().string();
  std::size_t i = 0;
  for (const auto& d : docs) l.runs.push_back({i++, 0, d});
  l.machines = ResultFolder::machines(input);
  return l;
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
    if (r.summary.value("complete", true)) {
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
  for (const StoredRun& r : complete) versions.insert(r.summary.value("version", "?"));
  c.versions.assign(versions.begin(), versions.end());

  if (c.options.out.empty()) {
    const fs::path in(options.input);
    c.options.out = ((fs::is_directory(in) ? in : in.parent_path()) / "report").string();
  }
  std::error_code ec;
  fs::create_directories(c.options.out, ec);
  if (ec) throw UsageError("cannot create '" + c.options.out + "': " + ec.message());
  c.figures = draw_figures(c, FigureOptions{c.options.out, options.compare_paper}, &c.notes);
  write_file_atomically((fs::path(c.options.out) / "report.html").string(), render_html(c));
  return c;
}

}  // namespace gb
