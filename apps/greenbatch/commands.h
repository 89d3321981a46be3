// The greenbatch subcommands. Each register_* adds its subcommand and options to the app and
// returns the function to call when that subcommand was chosen; the function returns the exit code.
// Errors are thrown (UsageError -> exit 2, anything else -> exit 1) and printed by main.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>

namespace gb::cli {

using Command = std::function<int()>;

Command register_run(CLI::App& app);
Command register_models(CLI::App& app);
Command register_devices(CLI::App& app);
Command register_sweep(CLI::App& app);
Command register_export(CLI::App& app);
Command register_merge(CLI::App& app);
Command register_report(CLI::App& app);
Command register_profile(CLI::App& app);
Command register_simulate(CLI::App& app);
Command register_validate(CLI::App& app);
Command register_slurm(CLI::App& app);
Command register_serve(CLI::App& app);
Command register_load(CLI::App& app);

}  // namespace gb::cli
