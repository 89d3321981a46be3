// What a report says, as plain data: the analysis of the results, where they came from, and the
// figures drawn from them. build_report (report/report.h) fills it; render_html (report/html.h)
// turns it into the page; the command prints its recommendations. Nothing in it refers to a file
// that must still be read: each figure carries its SVG text.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "report/analysis.h"
#include "report/figures.h"

namespace gb {

struct ReportOptions {
  std::string input;           // a sweep folder, a results*.sqlite file, or a run folder
  std::string out;             // default: <input folder>/report
  double slo_s = 1.0;          // the latency budget for recommendations
  bool compare_paper = false;  // overlay the paper's GTX 1080 figures
  // --export-configs: where to write deployment configs (report/export_configs.h); empty: none.
  std::string export_dir;
  std::vector<std::string> profiles;  // profiles to simulate the closest equivalents with
};

// The column build_report adds to `rows` when the results come from more than one hardware
// (results/machine.h's hardware_of): each configuration's, "unknown" where no store recorded it.
inline constexpr char kHardwareColumn[] = "hardware";

// The analysis (points, models, fronts, Table I, recommendations) with its provenance and figures.
struct ReportContent : ReportAnalysis {
  ReportOptions options;
  std::string title;            // the experiment's name, or the folder's
  std::string experiment_text;  // the experiment file as run (sweeps)
  std::vector<std::string> versions;
  nlohmann::ordered_json machines = nlohmann::ordered_json::array();
  std::size_t hardware_kinds = 0;  // distinct hardware_of() among `machines`; > 1: rows say theirs
  std::vector<nlohmann::ordered_json> rows;  // aggregated configurations (export's columns)
  std::vector<Figure> figures;
  std::vector<std::string> notes;     // figures not drawn and why, runs left out
  std::vector<std::string> exported;  // export_summary()'s lines, when configs were exported
};

}  // namespace gb
