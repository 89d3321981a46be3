// greenbatch: measure, then minimise, the energy and response time of batched inference.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <map>
#include <string>

#include "commands.h"
#include "common/control_chars.h"
#include "common/errors.h"
#include "common/version.h"
#include "gpus.h"
#include "options.h"

int main(int argc, char** argv) {
  CLI::App app{
      "greenbatch: energy and response time of batched neural-network inference.\n"
      "Every energy figure carries the method that produced it (nvml-energy, nvml-power, rapl,\n"
      "estimate)."};
  app.set_version_flag("--version", std::string("greenbatch ") + gb::kVersion);
  app.require_subcommand(1);
  std::map<CLI::App*, gb::cli::Command> commands;
  const auto add = [&](gb::cli::Command (*reg)(CLI::App&)) {
    gb::cli::Command cmd = reg(app);
    commands[app.get_subcommands({}).back()] = std::move(cmd);
  };
  add(gb::cli::register_run);
  add(gb::cli::register_models);
  add(gb::cli::register_devices);
  add(gb::cli::register_sweep);
  add(gb::cli::register_export);
  add(gb::cli::register_merge);
  add(gb::cli::register_profile);
  add(gb::cli::register_simulate);
  add(gb::cli::register_validate);
  add(gb::cli::register_report);
  add(gb::cli::register_slurm);
  add(gb::cli::register_serve);
  add(gb::cli::register_load);

  // Every failure is one line: a message from a library may hold newlines (a JSON parser's
  // context, a path), and a name from a hostile file may hold terminal escape sequences.
  const auto one_line = [](std::string m) { return gb::replace_controls(std::move(m)); };
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "greenbatch: error: %s%s (see greenbatch --help)\n", e.what(),
                 gb::cli::option_hint(app, argc, argv).c_str());
    return 2;
  } catch (const gb::UsageError& e) {  // an option's value, parsed as it is read
    std::fprintf(stderr, "greenbatch: error: %s\n", one_line(e.what()).c_str());
    return 2;
  }
  try {
    for (CLI::App* sub : app.get_subcommands()) {
      // What a greenbatch that is gone left on a GPU comes back first (`devices` shows it, and
      // restores it with --restore).
      if (sub->get_name() != "devices") gb::cli::restore_abandoned_gpus();
      return commands.at(sub)();
    }
  } catch (const gb::UsageError& e) {
    std::fprintf(stderr, "greenbatch: error: %s\n", one_line(e.what()).c_str());
    return 2;
  } catch (const std::bad_alloc&) {
    std::fprintf(stderr, "greenbatch: failed: out of memory\n");
    return 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "greenbatch: failed: %s\n", one_line(e.what()).c_str());
    return 1;
  } catch (...) {
    std::fprintf(stderr, "greenbatch: failed: an unknown error\n");
    return 1;
  }
  return 0;
}
