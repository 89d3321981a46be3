#include "report/report.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "common/errors.h"
#include "common/files.h"
#include "report/export_configs.h"
#include "report/gnuplot.h"
#include "report/html.h"
#include "report/lever_analysis.h"
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
  std::map<std::string, std::string> hardware;  // run id -> hardware_of() its machine, if known
  std::vector<std::string> stores;              // where the runs are: stores, or
  std::string folder;                           // a run folder
};

Loaded load_stores(const std::vector<std::string>& stores) {
  Loaded l;
  l.stores = stores;
  l.runs = runs_of_stores(stores);  // each configuration once, as export and merge count them
  for (const std::string& path : stores) {
    ResultStore store(path);
    if (l.name.empty()) {
      l.name = store.meta("experiment_name");
      l.experiment_text = store.meta("experiment_text");
    }
    const ordered_json machines = store.machines();
    for (const auto& m : machines) add_unique_machine(l.machines, m);
    // The first store's, as runs_of_stores keeps the first store's copy of a configuration.
    for (const auto& [id, m] : store.run_machines())
      l.hardware.emplace(id, hardware_of(machines[m]));
  }
  return l;
}

// Each row's hardware (kHardwareColumn), from its runs' (several where its repetitions ran on
// different hardware).
void add_hardware(std::vector<ordered_json>& rows, const std::vector<StoredRun>& runs,
                  const std::map<std::string, std::string>& hardware) {
  std::map<std::string, std::set<std::string>> of_group;
  for (const StoredRun& r : runs) {
    const auto it = hardware.find(r.id);
    of_group[r.group_id].insert(it == hardware.end() ? "unknown" : it->second);
  }
  for (ordered_json& row : rows) {
    const auto group = row.find(columns::kGroupId);
    const auto it = of_group.find(
        group != row.end() && group->is_string() ? group->get<std::string>() : std::string());
    std::string label;
    for (const std::string& h :
         it == of_group.end() ? std::set<std::string>{"unknown"} : it->second)
      label += (label.empty() ? "" : "; ") + h;
    row[kHardwareColumn] = label;
  }
}

// A run folder: its summary.json documents, each checked for a format this version reads.
Loaded load_run_folder(const std::string& input, const fs::path& summary) {
  check_link_stays_inside(summary.string(), input);
  check_link_stays_inside((fs::path(input) / "machine.json").string(), input);
  const ordered_json docs = read_results_json(summary.string());
  if (!docs.is_array()) throw UsageError("'" + summary.string() + "' is not a greenbatch summary");
  Loaded l;
  l.folder = input;
  l.name = fs::absolute(input).lexically_normal().filename().string();
  std::size_t i = 0;
  for (ordered_json d : docs) {
    upgrade_results(d, summary.string());
    l.runs.push_back({i++, 0, std::move(d)});
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

bool runs_config(const ordered_json& summary, const ConfigPoint& p) {
  const auto text = [&](const char* key) {
    const auto it = summary.find(key);
    return it != summary.end() && it->is_string() ? it->get<std::string>() : "";
  };
  const auto rate = summary.find(columns::kRateHz);
  const bool same_rate = rate != summary.end() && rate->is_number()
                             ? p.rate_hz && *p.rate_hz == rate->get<double>()
                             : !p.rate_hz;
  return text(columns::kModel) == p.model && text(columns::kDevice) == p.device &&
         text(columns::kArrival) == p.arrival && same_rate && text(columns::kPolicy) == p.policy &&
         levers_of_row(summary) == p.levers;
}

// The run Fig. 6 shows: the first repetition of the first recommended configuration, else of the
// first configuration, whose power samples are there (kTries tried: each reads the files again).
// None when every run was simulated (they have no samples); `why` says why when none is found.
std::optional<TimelineFigure> pick_timeline(const Loaded& l, const std::vector<StoredRun>& runs,
                                            const ReportAnalysis& a, std::string* why) {
  *why = "no run of these results kept its power samples";
  if (std::all_of(a.points.begin(), a.points.end(), [](const auto& p) { return p.simulated; })) {
    *why = "simulated runs have no power samples; a real run's report shows one";
    return std::nullopt;
  }
  std::vector<std::pair<ConfigPoint, std::string>> wanted;
  for (const Recommendation& r : a.recommendations) {
    if (r.best && !r.best->simulated) wanted.push_back({*r.best, "the recommended configuration"});
  }
  for (const ConfigPoint& p : a.points) {
    if (!p.simulated) wanted.push_back({p, "a configuration with samples"});
  }
  constexpr std::size_t kTries = 3;
  for (std::size_t i = 0; i < wanted.size() && i < kTries; ++i) {
    const auto& [p, role] = wanted[i];
    const StoredRun* run = nullptr;
    for (const StoredRun& r : runs) {
      if (runs_config(r.summary, p) && (!run || r.repetition < run->repetition)) run = &r;
    }
    if (!run) continue;
    RunTimeline t;
    std::string name;
    try {
      const auto id = run->summary.find("run_id");
      if (!l.folder.empty() && id != run->summary.end() && id->is_string()) {
        name = id->get<std::string>();
        t = read_folder_timeline(l.folder, name);
      }
      for (const std::string& store : l.stores) {
        if (!t.domains.empty()) break;
        t = ResultStore(store).timeline(run->id);
        name = "configuration " + run->id;
      }
    } catch (const UsageError& e) {
      *why = e.what();  // a file in the way: the rest of the report stands
      return std::nullopt;
    }
    if (t.domains.empty()) continue;
    const std::string method = "the run's meter samples; its energy: " + energy_methods({p}) +
                               estimate_note(parse_methods({p}));
    return TimelineFigure{
        std::move(t),
        fmt::format("{}, {}, {} ({}; {})", p.model, p.rate_label(),
                    combination(p, swept_levers(a.points)), role, printable(name)),
        method};
  }
  return std::nullopt;
}

}  // namespace

ReportContent build_report(const ReportOptions& options) {
  if (!(options.slo_s > 0)) throw UsageError("--slo must be > 0");
  if (options.export_dir.empty() && !options.profiles.empty()) {
    throw UsageError("--profile is read only with --export-configs OUT");
  }
  if (!options.export_dir.empty()) check_export_folder(options.export_dir);
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
  std::set<std::string> kinds;
  for (const auto& m : c.machines) kinds.insert(hardware_of(m));
  c.hardware_kinds = kinds.size();
  if (c.hardware_kinds > 1) add_hardware(c.rows, complete, loaded.hardware);
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
  ExportPlan exported;
  if (!options.export_dir.empty()) {
    exported =
        plan_export(c.recommendations, {options.export_dir, options.profiles, options.slo_s});
    check_export_targets(exported);
  }
  fs::create_directories(c.options.out, ec);
  if (ec) throw UsageError("cannot create '" + c.options.out + "': " + ec.message());
  std::string no_timeline;
  const auto timeline = pick_timeline(loaded, complete, c, &no_timeline);
  if (!timeline) c.notes.push_back("Power over time (Fig. 6) not drawn: " + no_timeline + ".");
  c.figures = draw_figures(c, FigureOptions{c.options.out, options.compare_paper, options.slo_s},
                           timeline, &c.notes);
  write_file_atomically((fs::path(c.options.out) / "report.html").string(), render_html(c));
  if (!options.export_dir.empty()) {
    write_export(exported);
    c.exported = export_summary(exported);
  }
  return c;
}

}  // namespace gb
