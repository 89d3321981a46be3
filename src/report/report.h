// greenbatch report: from a sweep (results*.sqlite) or a run folder (summary.json), the paper's
// figures and tables, Pareto fronts and a recommendation per model and rate, as one self-contained
// HTML page (inline SVG, inline CSS and script, nothing fetched) plus every figure as SVG and PNG.
//
// The steps, each its own layer: load the runs and aggregate them (here), analyse them
// (report/analysis.h, pure), draw the figures (report/figures.h: gnuplot, the only step after
// loading that touches files), render the page (report/html.h, pure), write it (here). Why this
// split: docs/report.md.
//
// Contract: bad input (no results in the folder, an unreadable store, a store or summary.json of
// a format this version does not read) is a UsageError before anything is written; report.html is
// written last of the report's files and atomically, so a report that exists is complete. The
// stores of a folder (results*.sqlite: a sweep's and its shards') are read together, each
// configuration (by its content id) once. Runs marked incomplete (a meter failed mid-run) are left
// out and listed. With options.export_dir, the deployment configs (report/export_configs.h) are
// planned and their folder, files and profiles checked before anything is written, and written
// after the page.
#pragma once

#include "report/content.h"

namespace gb {

// Loads, aggregates, analyses and draws; writes <out>/report.html and the figures (and the
// deployment configs).
ReportContent build_report(const ReportOptions& options);

}  // namespace gb
