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

// What a sweep will do, for `sweep --dry-run`: configurations x repetitions = runs, requests,
// what is stored already, per model, and the nominal time of the arrivals still to run.
// With `json`, the same as one JSON object (for scripts).
std::string sweep_plan_text(const std::string& name, const std::vector<Configuration>& configs,
                            const std::set<std::string>& stored, bool json = false);

// CampaignOptions whose callbacks show progress for `configs` on stderr. The returned options
// refer to state shared with the callbacks, kept alive by the options themselves. `cooldown` is
// CampaignOptions::cooldown (the ETA leaves it out).
CampaignOptions progress_options(const std::vector<Configuration>& configs, bool rounds = false,
                                 Nanos cooldown = Nanos(0));

}  // namespace gb::cli
