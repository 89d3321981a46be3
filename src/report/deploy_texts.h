// deploy_texts: the files `greenbatch report --export-configs` writes for one workload — Triton's
// config.pbtxt, TorchServe's config.properties lines and registration request, the greenbatch
// serve command line — and the README that explains them. Pure: strings in, strings out
// (report/export_configs.h plans and writes them).
//
// Results are hostile (a model may be named "../../x" or hold a newline): the model name the
// servers see is sanitised_name()'s, made of [A-Za-z0-9_-] only; every other text from the
// results goes through display() (no control characters, so no line can be added to a pbtxt or a
// properties file) and, on the serve command line, through shell_quote() as well.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "report/deploy.h"
#include "report/points.h"

namespace gb {

// A policy's figures simulated on the recommended run's workload (energy method estimate).
struct SimulatedCost {
  double energy_per_image_j = 0;
  double max_s = 0, p99_s = 0;
  bool meets_slo = false;  // max and p99 within the report's budget
};

struct ServerExport {
  Equivalent equivalent;
  std::optional<SimulatedCost> cost;  // of equivalent.policy; none for exact ones and without
                                      // a profile
  std::string cost_note;              // how it was simulated or chosen, or why there is no cost
};

struct WorkloadExport {
  ConfigPoint recommended;            // the report's recommendation, as measured
  double slo_s = 1;                   // the report's budget
  std::string name;                   // the model's name for the servers (sanitised_name)
  std::string folder;                 // relative to the export folder: name.device.arrival.rate
  std::string profile;                // the profile file simulated with; empty: none
  std::optional<SimulatedCost> cost;  // the recommended policy simulated the same way
  std::vector<ServerExport> servers;  // one per kServers entry, in that order
};

// The model's name for a server: the file name without its extension for a TorchScript path,
// every character outside [A-Za-z0-9_-] made '_', at most 64 characters, never empty and never
// starting with '-'.
std::string sanitised_name(std::string_view model);
// Any text as a name: every character outside [A-Za-z0-9_-] made '_', at most 40 characters,
// "x" when empty.
std::string sanitised_word(std::string_view text);
// Text from the results for a comment or a README: control characters, '`' and '|' become '?';
// at most 256 characters of it, then "...".
std::string display(std::string_view text);
// One shell word: as it is when made of [A-Za-z0-9_./:=,@%+-] only, else single-quoted.
std::string shell_quote(std::string_view word);

// "cpu, paper arrivals at 32/s" (display-safe).
std::string workload_label(const ConfigPoint& p);

// REQUIRES: w.servers holds the three servers in kServers order.
std::string triton_config(const WorkloadExport& w);
std::string torchserve_properties(const WorkloadExport& w);
std::string torchserve_register(const WorkloadExport& w);
std::string serve_command(const WorkloadExport& w);
// The index of the export: every workload's recommendation, each server's setting, whether it
// is exact, what it costs in simulation, and the files; then `notes`, one line each.
std::string export_readme(const std::vector<WorkloadExport>& workloads,
                          const std::vector<std::string>& notes);

}  // namespace gb
