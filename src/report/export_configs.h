// export_configs: `greenbatch report DIR --export-configs OUT` — for each workload the report
// recommends a policy for, what that policy becomes in Triton, TorchServe and greenbatch serve
// (report/deploy.h), its cost simulated where a profile of the model is given and the
// translation is not exact (sim/simulator.h, on the recommended run's workload), written as the
// servers' own files (report/deploy_texts.h) under OUT.
//
// Contract:
// - check_export_folder() refuses, with a UsageError naming the problem and the fix, an OUT that
//   is a file, a symbolic link, or below a file or an unwritable folder; build_report calls it
//   before reading anything, so a bad OUT leaves nothing written.
// - plan_export() computes every file in memory (profiles loaded and checked first: a bad one is
//   a UsageError); write_export() then checks every folder it would write through (a symbolic
//   link planted in OUT is refused before any file is written) and writes each file atomically.
// - Every path below OUT is made of the export's own names (deploy_texts.h's sanitised ones,
//   made unique), so nothing from the results chooses where a file goes.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "report/deploy_texts.h"
#include "report/recommend.h"

namespace gb {

struct ExportOptions {
  std::string out;                    // the folder to write into
  std::vector<std::string> profiles;  // greenbatch profile files, at most one per model
  double slo_s = 1;                   // the report's budget
};

// A simulation of the export never runs more requests than this (the first ones of the run's
// workload are simulated, and the README says so).
inline constexpr std::size_t kMaxExportSimulatedRequests = 100000;

struct ExportPlan {
  std::string out;
  std::vector<WorkloadExport> workloads;
  std::vector<std::string> notes;  // workloads left out and why; profiles of another device
  std::vector<std::pair<std::string, std::string>> files;  // path below `out`, content
};

void check_export_folder(const std::string& out);
ExportPlan plan_export(const std::vector<Recommendation>& recommendations,
                       const ExportOptions& options);
// Every folder and file write_export() would write through: UsageError for a symbolic link or
// something in the way.
void check_export_targets(const ExportPlan& plan);
void write_export(const ExportPlan& plan);
// One line per workload for the terminal, then where the README is.
std::vector<std::string> export_summary(const ExportPlan& plan);

}  // namespace gb
