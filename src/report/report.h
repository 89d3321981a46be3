// greenbatch report: from a sweep (results*.sqlite) or a run folder (summary.json), the paper's
// figures and tables, Pareto fronts and a recommendation per model and rate, as one self-contained
// HTML page (inline SVG, inline CSS and script, nothing fetched) plus every figure as SVG and PNG.
//
// Contract: bad input (no results in the folder, an unreadable store) is a UsageError before
// anything is written; report.html is written last and atomically, so a report that exists is
// complete. Runs marked incomplete (a meter failed mid-run) are left out and listed.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "report/figures.h"
#include "report/points.h"
#include "report/recommend.h"

namespace gb {

struct ReportOptions {
  std::string input;           // a sweep folder, a results*.sqlite file, or a run folder
  std::string out;             // default: <input folder>/report
  double slo_s = 1.0;          // the latency budget for recommendations
  bool compare_paper = false;  // overlay the paper's GTX 1080 figures
};

struct ReportContent {
  ReportOptions options;
  std::string title;            // the experiment's name, or the folder's
  std::string experiment_text;  // the experiment file as run (sweeps)
  std::vector<std::string> versions;
  nlohmann::ordered_json machines = nlohmann::ordered_json::array();
  std::vector<nlohmann::ordered_json> rows;  // aggregated configurations (export's columns)
  std::vector<ConfigPoint> points;
  std::vector<std::string> models;  // publication-year order, then others
  std::vector<Recommendation> recommendations;
  std::vector<Figure> figures;
  std::vector<std::string> notes;  // figures not drawn and why, runs left out
};

// Loads, aggregates, recommends and draws; writes <out>/report.html and the figures.
ReportContent build_report(const ReportOptions& options);

// The page itself (pure: no files touched).
std::string render_html(const ReportContent& content);

}  // namespace gb
