// greenbatch profile: service time and energy of one model per batch size, for the simulator and
// the profile-driven policies (slo:T, offline:T). The protocol is experiment/profiling.h.
#include <ATen/Parallel.h>
#include <fmt/format.h>

#include <filesystem>

#include "commands.h"
#include "common/errors.h"
#include "experiment/preflight.h"
#include "experiment/profiling.h"
#include "options.h"
#include "report/console.h"
#include "results/levers.h"
#include "terminal.h"

namespace gb::cli {
namespace {

struct ProfileArgs {
  RunSpec base;
  ProfileOptions options;
  std::string out;
};

int profile_command(const ProfileArgs& a) {
  const ProfilePlan plan = make_profile_plan(a.options);
  if (plan.rounds < 2) status("note: one window per size gives no confidence interval");
  preflight({Configuration{0, 0, a.base}});
  const std::filesystem::path out(a.out);
  if (out.has_parent_path() && !std::filesystem::is_directory(out.parent_path())) {
    throw UsageError("folder '" + out.parent_path().string() + "' of --out does not exist");
  }
  const std::string levers = describe_levers(a.base);
  status(fmt::format("greenbatch profile: {} on {}{}, batch sizes {}{}", a.base.model.name,
                     a.base.device.text, levers.empty() ? "" : " (" + levers + ")", a.options.sizes,
                     a.options.quick ? " (--quick)" : ""));
  on_interrupt_say("the profile is not written");
  const ServiceProfile p = profile_model(
      a.base, plan, [](const std::string& m) { status("  " + m); },
      [](const ProfileStep& s) {
        if (s.turn == 0) {
          status(
              fmt::format("  {} sizes x {} round{} = {} turns, about {} (from one batch per size)",
                          s.turns / s.rounds, s.rounds, s.rounds == 1 ? "" : "s", s.turns,
                          duration_words(s.left_s)));
        }
        const std::string line = fmt::format(
            "  [{}/{}] round {}/{}, batch size {}  {} elapsed, ETA {}", s.turn + 1, s.turns,
            s.round + 1, s.rounds, s.size, duration_words(s.elapsed_s), duration_words(s.left_s));
        stderr_is_tty() ? show_progress(line) : status(line);
      });
  finish_progress();
  p.save(a.out);
  std::fputs(profile_text(p, a.out, output_width()).c_str(), stdout);
  return 0;
}

}  // namespace

Command register_profile(CLI::App& app) {
  auto args = std::make_shared<ProfileArgs>();
  ProfileArgs& a = *args;
  CLI::App* cmd = app.add_subcommand(
      "profile", "Measure service time and energy per batch size, for simulate and slo:T");
  add_wide_flag(cmd);
  const auto defaulted = [cmd](const std::string& name, auto& value, const std::string& help) {
    cmd->add_option(name, value, help)->capture_default_str();
  };
  cmd->footer(
      "\nEach batch size runs --windows energy windows of back-to-back batches, each at least\n"
      "--window long and --min-batches batches: a window spans many energy-counter updates\n"
      "(NVML's counter moves every ~20-100 ms, RAPL's every ~1 ms), and several windows give a\n"
      "confidence interval. The sizes take turns (one window each per round), so a machine\n"
      "whose speed drifts affects all sizes alike. Example:\n"
      "  greenbatch profile --model alexnet --batch-sizes 1,2,4,8,16,32,64,128 --out "
      "alexnet.json\n");
  add_model_option(cmd, a.base.model, "built-in model, noop, or a TorchScript file")->required();
  cmd->add_option("--out,-o", a.out, "the profile to write (JSON)")->required();
  defaulted("--batch-sizes", a.options.sizes, "increasing batch sizes");
  add_session_options(cmd, a.base);
  add_gpu_setting_options(cmd, a.base.gpu);
  defaulted("--window", a.options.window, "minimum length of one energy window");
  defaulted("--windows", a.options.windows, "energy windows per batch size");
  cmd->add_flag("--quick", a.options.quick,
                "a first look in about a third of the time: 2 windows of 1s, 500ms settling, 30 "
                "isolated and 100 short-gap batches per size (options given beside it win); the "
                "table states the precision reached");
  defaulted("--gap", a.options.gap,
            "idle gap around isolated batches (sparse traffic: thread pools wake and spin down); "
            "0 skips them");
  defaulted("--short-gap", a.options.short_gap,
            "idle gap before short-gap batches (a stream with slack between batches); 0 skips "
            "them");
  defaulted("--settle", a.options.settle,
            "unmeasured batches of a size before each of its windows (after idleness the first "
            "batches can be slow)");
  defaulted("--min-batches", a.options.min_batches, "minimum batches per window");
  defaulted("--idle-seconds", a.options.idle_seconds, "idle baseline, model loaded");
  defaulted("--warmup-batches", a.options.warmup_batches, "warm-up batches of 32");
  return [args, cmd] {
    if (args->options.quick) {
      ProfileOptions& o = args->options;
      if (!cmd->count("--windows")) o.windows = kQuickWindows;
      if (!cmd->count("--window")) o.window = kQuickWindow;
      if (!cmd->count("--settle")) o.settle = kQuickSettle;
    }
    return profile_command(*args);
  };
}

}  // namespace gb::cli
