// Options that name where and how a model runs and is measured, shared by every command that
// loads one (run, profile), so their spelling, help and defaults cannot drift apart.
#pragma once

#include <CLI/CLI.hpp>
#include <utility>

#include "results/run_spec.h"

namespace gb::cli {

// --weights, --device, --images, --meter, --gpu-index, --powercap-root, --threads, --engine and
// --precision, bound to
// `session`. REQUIRES: it outlives `cmd`'s parsing.
void add_session_options(CLI::App* cmd, SessionSpec& session);

// An option parsed as it is read, by `parse` (text -> T); its UsageError leaves app.parse() as
// any bad input does. REQUIRES: `value` outlives `cmd`'s parsing.
template <typename T, typename Parse>
CLI::Option* add_parsed_option(CLI::App* cmd, const std::string& name, T& value, Parse parse,
                               const std::string& help) {
  return cmd->add_option_function<std::string>(
      name, [&value, parse](const std::string& text) { value = parse(text); }, help);
}

// " (did you mean '--policy'?)" for the first --option of argv that the subcommand named in argv
// does not have, or "".
std::string option_hint(CLI::App& app, int argc, char** argv);

// --shard "i/N" as (i, N), 0 <= i < N; UsageError naming the form otherwise.
std::pair<std::size_t, std::size_t> parse_shard(const std::string& text);

// A --rate value: a number of requests per second ("32"; a unit or a list is refused, naming the
// form that works). Its range is the arrival's to check.
double parse_rate_option(const std::string& text);

// --cooldown, a duration ("5s") parsed into `cooldown`: the pause between configurations.
CLI::Option* add_cooldown_option(CLI::App* cmd, Nanos& cooldown);

// --wide: tables show every column, however wide (output_width() says which width applies).
void add_wide_flag(CLI::App* cmd);
std::size_t output_width();

// --power-limit and --gpu-clocks: repeatable (a grid dimension of `run`) into the lists, as
// written; the grid parses them.
void add_gpu_grid_options(CLI::App* cmd, std::vector<std::string>& limits,
                          std::vector<std::string>& clocks);
// The same once each, parsed into `gpu` as it is read (`profile`: one setting per profile).
void add_gpu_setting_options(CLI::App* cmd, GpuSetting& gpu);

// --model (-m), parsed into `model` by parse_model.
CLI::Option* add_model_option(CLI::App* cmd, ModelRef& model, const std::string& help);

}  // namespace gb::cli
