// Options that name where and how a model runs and is measured, shared by every command that
// loads one (run, profile), so their spelling, help and defaults cannot drift apart.
#pragma once

#include <CLI/CLI.hpp>

#include "results/run_spec.h"

namespace gb::cli {

// --weights, --device, --images, --meter, --gpu-index, --powercap-root and --threads, bound to
// `session` and `threads` (0: torch's choice). REQUIRES: both outlive `cmd`'s parsing.
void add_session_options(CLI::App* cmd, SessionSpec& session, int& threads);

}  // namespace gb::cli
