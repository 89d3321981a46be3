// greenbatch profile: service time and energy of one model per batch size, for the simulator and
// the profile-driven policies (slo:T, offline:T). The protocol is experiment/profiling.h.
#include <ATen/Parallel.h>
#include <fmt/format.h>

#include <filesystem>

#include "commands.h"
#include "common/errors.h"
#include "energy/energy_method.h"
#include "experiment/preflight.h"
#include "experiment/profiling.h"
#include "options.h"
#include "results/levers.h"
#include "terminal.h"

namespace gb::cli {
namespace {

struct ProfileArgs {
  RunSpec base;
  ProfileOptions options;
  std::string out;
};

Table profile_table(const ServiceProfile& p) {
  Table t;
  t.header.assign({"batch", "batches", "service mean (ms)", "p99 (ms)", "energy/batch (J)",
                   "dynamic/batch (J)", "energy/img (J)", "dynamic/img (J)",
                   "isolated: service (ms)", "dynamic/img (J)", "short gap: service (ms)"});
  t.numeric.assign(t.header.size(), true);
  const auto ms = [](double s) { return fmt::format("{:.2f}", s * 1e3); };
  const auto joules = [](double j) { return fmt::format("{:.4g}", j); };
  for (const ProfiledBatch& b : p.batches) {
    const double n = static_cast<double>(b.size);
    const bool iso = b.has_isolated();
    t.rows.push_back({std::to_string(b.size), std::to_string(b.batches), ms(b.service_mean_s),
                      ms(b.service_p99_s), joules(b.energy_j), joules(b.dynamic_j),
                      joules(b.energy_j / n), joules(b.dynamic_j / n),
                      iso ? ms(b.service_isolated_mean_s) : "-",
                      iso ? joules(b.dynamic_isolated_j / n) : "-",
                      b.has_short_gap() ? ms(b.service_short_gap_mean_s) : "-"});
  }
  return t;
}

int profile_command(const ProfileArgs& a) {
  const ProfilePlan plan = make_profile_plan(a.options);
  if (plan.rounds < 2) status("note: one window per size gives no confidence interval");
  preflight({Configuration{0, 0, a.base}});
  const std::filesystem::path out(a.out);
  if (out.has_parent_path() && !std::filesystem::is_directory(out.parent_path())) {
    throw UsageError("folder '" + out.parent_path().string() + "' of --out does not exist");
  }
  const std::string levers = describe_levers(a.base);
  status(fmt::format("greenbatch profile: {} on {}{}, batch sizes {}", a.base.model.name,
                     a.base.device.text, levers.empty() ? "" : " (" + levers + ")",
                     a.options.sizes));
  const ServiceProfile p = profile_model(
      a.base, plan, [](const std::string& m) { status("  " + m); },
      [](std::size_t round, std::size_t rounds, std::size_t size) {
        show_progress(fmt::format("  round {}/{}: batch size {} ...", round + 1, rounds, size));
      });
  finish_progress();
  p.save(a.out);
  const bool estimate = parse_energy_methods(p.energy_method).has_estimate();
  fmt::print("\ngreenbatch profile | {} on {} | idle {:.2f} W | energy: {}{}\n\n", p.model,
             p.device_name, p.idle_power_w, p.energy_method,
             estimate ? " (a CPU-utilisation model, NOT a measurement)" : "");
  std::fputs(profile_table(p).render().c_str(), stdout);
  fmt::print("\nprofile written to {}\n", a.out);
  return 0;
}

}  // namespace

Command register_profile(CLI::App& app) {
  auto args = std::make_shared<ProfileArgs>();
  ProfileArgs& a = *args;
  CLI::App* cmd = app.add_subcommand(
      "profile", "Measure service time and energy per batch size, for simulate and slo:T");
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
  defaulted("--window", a.options.window, "minimum length of one energy window");
  defaulted("--windows", a.options.windows, "energy windows per batch size");
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
  return [args] { return profile_command(*args); };
}

}  // namespace gb::cli
