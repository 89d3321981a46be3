// Levers: the settings beyond the batching policy that change what a configuration's inference
// costs (the engine, the numeric precision, torch's thread count, the GPU's power limit and locked
// clocks), all handled alike. A lever is a dimension of a configuration: it is part of its id
// (configuration_key), of a profile's key (profile_serves), of an experiment grid ([grid] takes
// its list, [experiment] one value) and of the report (recommendations over every dimension and
// each lever's saving). A new lever is one entry of levers() plus its RunSpec field: a
// SessionSpec field when changing it means loading the model again (engine, precision, threads),
// a RunSettings field when a session applies it per run (the GPU setting: RunSettings::gpu).
//
// Contract: every value is handled as its canonical text (get()); set() parses text into the
// spec and throws UsageError naming `what` for a bad value. A lever at its `baseline` — the
// value every configuration had before the lever existed — is left out of configuration keys,
// so ids stored before it existed stay valid; the report measures each lever's saving against
// its baseline (docs/results.md, "Levers").
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "results/run_spec.h"

namespace gb {

struct Lever {
  std::string_view name;      // its [experiment] key, id field, result column and profile field
  std::string_view grid_key;  // its [grid] key: a list of values
  std::string_view baseline;  // canonical text of its baseline ("" for threads: the default)
  bool integer = false;       // values are integers in files (threads), else strings
  // The report's wording of a value, e.g. "2 threads"; the value itself where that reads well.
  std::string (*describe)(std::string_view value);
  std::string (*get)(const RunSpec& spec);
  void (*set)(RunSpec& spec, std::string_view text, std::string_view what);
  // Whether a profile measured at `measured` serves a configuration asking for `asked`: equal,
  // or `asked` at a baseline that means "whatever the machine gives" (threads' default).
  bool (*serves)(std::string_view measured, std::string_view asked);
};

// engine, precision, threads, power_limit, gpu_clocks: the order of their fields in
// configuration keys.
const std::vector<Lever>& levers();
const Lever* find_lever(std::string_view name);

// "engine=optimized, precision=bf16" for the levers of `spec` off their baseline; "" when none.
std::string describe_levers(const RunSpec& spec);
// The same for lever values by name, as a profile records them (a lever absent counts as at its
// baseline), leaving out the lever named `except`.
std::string describe_levers(const std::map<std::string, std::string>& values,
                            std::string_view except = {});
// The same levers in the report's words, for a table cell: "optimized, bf16, 2 threads"; "".
std::string brief_levers(const RunSpec& spec);

}  // namespace gb
