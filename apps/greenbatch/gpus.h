// The GPU power limits and clocks greenbatch may change, as commands show and restore them: the
// start of every command (settings left by a greenbatch that is gone come back) and `greenbatch
// devices` (what each GPU accepts, what is held, and --restore by hand). The rules are
// energy/gpu_control.h's.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace gb::cli {

// At a command's start: every setting left by a greenbatch that is gone is restored, each said in a
// status line; one that cannot be (no root) is a warning naming `greenbatch devices --restore`,
// and so is a state file that cannot be read. Never throws.
void restore_abandoned_gpus();

// `devices --restore`: restores what a gone holder left, and says what it did and what it left
// alone (live holders, other hosts). Returns the exit code: 1 when a restore failed.
int restore_gpus_by_hand();

// The GPUs' limits and ranges, and the state file's entries, as text tables ("" when there is
// nothing to show) and as JSON.
std::string gpu_settings_text(std::size_t width);
nlohmann::ordered_json gpu_settings_json();

}  // namespace gb::cli
