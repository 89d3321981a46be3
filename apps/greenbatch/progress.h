// The progress display every measuring command shares: one status line per
// configuration ("[k/N] model policy arrival rate, rep r/R"), redrawn on a terminal with requests
// done and the campaign's ETA, and plain lines in logs (stderr not a TTY).
#pragma once

#include <set>
#include <string>
#include <vector>

#include "experiment/campaign.h"

namespace gb::cli {

// "32/s" for a rated arrival, else the arrival's name ("offline", "trace:f.txt").
std::string rate_label(const RunSpec& spec);

// Nominal wall-clock seconds of a configuration: its arrival span (what dominates a paced run).
double nominal_seconds(const RunSpec& spec);

// What a sweep will do, printed before it starts and by `sweep --dry-run`: configurations x
// repetitions = runs, requests, what is stored already, per model, the time the arrivals still
// to run span and, where `predicted` (seconds per configuration, NaN where unknown:
// experiment/simulation.h's predicted_seconds) knows better, the time their runs will take.
// With `json`, the same as one JSON object (for scripts).
std::string sweep_plan_text(const std::string& name, const std::vector<Configuration>& configs,
                            const std::set<std::string>& stored, bool dry_run, bool json = false,
                            const std::vector<double>& predicted = {});

// CampaignOptions whose callbacks show progress for `configs` on stderr: a line per run when it
// starts (in logs) or redrawn while it runs (on a terminal), then its result in one line with the
// time it took and the ETA of the rest. The returned options refer to state shared with the
// callbacks, kept alive by the options themselves. `cooldown` is CampaignOptions::cooldown (the
// ETA leaves it out). With `results`, each run's summary is appended there; REQUIRES: it outlives
// the campaign.
CampaignOptions progress_options(const std::vector<Configuration>& configs, bool rounds = false,
                                 Nanos cooldown = Nanos(0),
                                 std::vector<RunSummary>* results = nullptr);

// What `run` and `load` do with their configurations once parsed: preflight, then every run into
// the folder `out` (appended to; requests.csv and power.csv with `traces`) through `campaign`,
// then the runs' table (or JSON rows) on stdout. Returns the exit code.
int run_into_folder(const std::vector<Configuration>& configs, const std::string& out, bool traces,
                    bool json, const CampaignOptions& campaign);

}  // namespace gb::cli
