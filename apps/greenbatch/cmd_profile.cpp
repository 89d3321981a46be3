// greenbatch profile: service time and energy of one model per batch size, for the simulator and
// the profile-driven policies (slo:T, offline:T).
#include <ATen/Parallel.h>
#include <fmt/format.h>

#include <ctime>
#include <filesystem>

#include "commands.h"
#include "common/errors.h"
#include "common/files.h"
#include "common/parse.h"
#include "experiment/session.h"
#include "inference/image_set.h"
#include "inference/model_executor.h"
#include "models/classifier.h"
#include "results/machine.h"
#include "terminal.h"

namespace gb::cli {
namespace {

struct ProfileArgs {
  RunSpec base;
  std::string sizes = "1,2,4,8,16,32,64,128";
  std::string window = "2s";
  std::string gap = "100ms";
  std::string settle = "1s";
  std::string short_gap = "5ms";
  int64_t windows = 3;
  int64_t min_batches = 3;
  double idle_seconds = 5;
  int64_t warmup_batches = 4;
  int threads = 0;
  std::string out;
};

int profile_command(ProfileArgs& a) {
  std::vector<std::size_t> sizes;
  for (const std::string& s : split(a.sizes, ',')) {
    const int64_t n = parse_int(trim(s), "batch size");
    if (n < 1 || n > 65536) throw UsageError("batch sizes must be in 1..65536, got " + s);
    if (!sizes.empty() && static_cast<std::size_t>(n) <= sizes.back()) {
      throw UsageError("--batch-sizes must increase: " + a.sizes);
    }
    sizes.push_back(static_cast<std::size_t>(n));
  }
  if (sizes.empty()) throw UsageError("--batch-sizes is empty");
  const Nanos window = parse_duration(a.window);
  if (window.count() <= 0) throw UsageError("--window must be > 0");
  if (a.windows < 1) throw UsageError("--windows must be >= 1");
  const Nanos gap = parse_duration(a.gap);
  if (gap.count() < 0) throw UsageError("--gap must be >= 0");
  const Nanos short_gap = parse_duration(a.short_gap);
  if (gap.count() > 0 && short_gap * 2 >= gap) {
    throw UsageError(
        "--short-gap must be under half of --gap (longer idleness counts as isolated)");
  }
  const Nanos settle = parse_duration(a.settle);
  if (settle.count() < 0) throw UsageError("--settle must be >= 0");
  if (a.windows < 2) status("note: one window per size gives no confidence interval");
  if (a.min_batches < 1) throw UsageError("--min-batches must be >= 1");
  if (!(a.idle_seconds > 0)) {
    throw UsageError("--idle-seconds must be > 0: dynamic energy needs the idle baseline");
  }
  if (a.threads > 0) at::set_num_threads(a.threads);
  RunSpec& b = a.base;
  if (b.model != "noop") {
    if (b.model.find('/') == std::string::npos && !find_builtin(b.model)) {
      make_classifier(b.model, 0);  // the unknown-model error, with the list of built-ins
    }
    parse_device(b.device);
    if (!b.images.empty()) ImageSet::from_folder(b.images);
  }
  open_meters(meter_options(b));
  const std::filesystem::path out(a.out);
  if (out.has_parent_path() && !std::filesystem::is_directory(out.parent_path())) {
    throw UsageError("folder '" + out.parent_path().string() + "' of --out does not exist");
  }
  b.idle_duration = from_seconds(a.idle_seconds);
  b.warmup_batches = static_cast<std::size_t>(a.warmup_batches);
  b.warmup_batch_size = std::min<std::size_t>(32, sizes.back());

  status(fmt::format("greenbatch profile: {} on {}, batch sizes {}", b.model, b.device, a.sizes));
  ExperimentSession session(b, sizes.back(), [](const std::string& m) { status("  " + m); });
  ServiceProfile p;
  p.model = b.model;
  p.device = b.device;
  p.device_name = session.device_name();
  p.images = session.images_source();
  p.threads = at::get_num_threads();
  p.energy_method = session.energy_method();
  p.energy_detail = session.energy_detail();
  for (double w : session.idle_power_w()) p.idle_power_w += w;
  p.created_utc = utc_now();
  p.isolation_gap_s = to_seconds(gap);
  p.short_gap_s = to_seconds(short_gap);
  p.machine = describe_machine(b.powercap_root);

  Table t;
  t.header = {"batch",
              "batches",
              "service mean (ms)",
              "p99 (ms)",
              "energy/batch (J)",
              "dynamic/batch (J)",
              "energy/img (J)",
              "dynamic/img (J)",
              "isolated: service (ms)",
              "dynamic/img (J)",
              "short gap: service (ms)"};
  t.numeric.assign(t.header.size(), true);
  // Rounds: every size once per round, so that each size's figures span the whole session (see
  // ProfiledBatchBuilder). Round r of R takes 1/R of the isolated batches.
  const std::size_t rounds = static_cast<std::size_t>(a.windows);
  const auto share = [&](std::size_t total) { return (total + rounds - 1) / rounds; };
  std::vector<ProfiledBatchBuilder> builders(sizes.begin(), sizes.end());
  for (std::size_t r = 0; r < rounds; ++r) {
    for (std::size_t i = 0; i < sizes.size(); ++i) {
      show_progress(fmt::format("  round {}/{}: batch size {} ...", r + 1, rounds, sizes[i]));
      ExperimentSession::ProfileRound pr;
      pr.size = sizes[i];
      pr.first = r == 0;
      pr.settle = settle;
      pr.window = window;
      pr.min_batches = static_cast<std::size_t>(a.min_batches);
      pr.gap = gap;
      pr.short_gap = short_gap;
      // At least 100 isolated batches in all (a p99 needs 1-in-100 events), within eight windows'
      // time and never fewer than --min-batches.
      pr.isolated_min = share(static_cast<std::size_t>(a.min_batches));
      pr.isolated_target = share(100);
      // Short-gap batches are cheap, and the max of a 128-request stream is a 1-in-128 event: a
      // single slow batch among 100 samples would stand for 1 %, so take 300.
      pr.short_gap_target = share(300);
      pr.isolated_time = window / static_cast<int64_t>(rounds);
      pr.isolated_limit = 8 * window / static_cast<int64_t>(rounds);
      session.profile_round(builders[i], pr);
    }
  }
  finish_progress();
  for (const ProfiledBatchBuilder& builder : builders) {
    ProfiledBatch pb = builder.build();
    const std::size_t size = pb.size;
    t.rows.push_back(
        {std::to_string(size), std::to_string(pb.batches),
         fmt::format("{:.2f}", pb.service_mean_s * 1e3),
         fmt::format("{:.2f}", pb.service_p99_s * 1e3), fmt::format("{:.4g}", pb.energy_j),
         fmt::format("{:.4g}", pb.dynamic_j), fmt::format("{:.4g}", pb.energy_j / size),
         fmt::format("{:.4g}", pb.dynamic_j / size),
         pb.has_isolated() ? fmt::format("{:.2f}", pb.service_isolated_mean_s * 1e3)
                           : std::string("-"),
         pb.has_isolated() ? fmt::format("{:.4g}", pb.dynamic_isolated_j / size) : std::string("-"),
         pb.has_short_gap() ? fmt::format("{:.2f}", pb.service_short_gap_mean_s * 1e3)
                            : std::string("-")});
    p.batches.push_back(std::move(pb));
  }
  p.save(a.out);
  std::fputs(fmt::format("\ngreenbatch profile | {} on {} | idle {:.2f} W | energy: {}{}\n\n",
                         p.model, p.device_name, p.idle_power_w, p.energy_method,
                         p.energy_method.find("estimate") != std::string::npos
                             ? " (a CPU-utilisation model, NOT a measurement)"
                             : "")
                 .c_str(),
             stdout);
  std::fputs(t.render().c_str(), stdout);
  std::fputs(fmt::format("\nprofile written to {}\n", a.out).c_str(), stdout);
  return 0;
}

}  // namespace

Command register_profile(CLI::App& app) {
  auto args = std::make_shared<ProfileArgs>();
  ProfileArgs& a = *args;
  CLI::App* cmd = app.add_subcommand(
      "profile", "Measure service time and energy per batch size, for simulate and slo:T");
  cmd->footer(
      "\nEach batch size runs --windows energy windows of back-to-back batches, each at least\n"
      "--window long and --min-batches batches: a window spans many energy-counter updates\n"
      "(NVML's counter moves every ~20-100 ms, RAPL's every ~1 ms), and several windows give a\n"
      "confidence interval. The sizes take turns (one window each per round), so a machine\n"
      "whose speed drifts affects all sizes alike. Example:\n"
      "  greenbatch profile --model alexnet --batch-sizes 1,2,4,8,16,32,64,128 --out "
      "alexnet.json\n");
  cmd->add_option("--model,-m", a.base.model, "built-in model, noop, or a TorchScript file")
      ->required();
  cmd->add_option("--out,-o", a.out, "the profile to write (JSON)")->required();
  cmd->add_option("--batch-sizes", a.sizes, "increasing batch sizes")->capture_default_str();
  cmd->add_option("--device,-d", a.base.device, "cpu | cuda | cuda:N")->capture_default_str();
  cmd->add_option("--weights", a.base.weights, "weights for a built-in model");
  cmd->add_option("--images", a.base.images, "folder of JPEG/PNG images (default: built-in)");
  cmd->add_option("--window", a.window, "minimum length of one energy window")
      ->capture_default_str();
  cmd->add_option("--windows", a.windows, "energy windows per batch size")->capture_default_str();
  cmd->add_option("--gap", a.gap,
                  "idle gap around isolated batches (sparse traffic: thread pools wake and spin "
                  "down); 0 skips them")
      ->capture_default_str();
  cmd->add_option("--short-gap", a.short_gap,
                  "idle gap before short-gap batches (a stream with slack between batches); 0 "
                  "skips them")
      ->capture_default_str();
  cmd->add_option("--settle", a.settle,
                  "unmeasured batches of a size before each of its windows (after idleness the "
                  "first batches can be slow)")
      ->capture_default_str();
  cmd->add_option("--min-batches", a.min_batches, "minimum batches per window")
      ->capture_default_str();
  cmd->add_option("--idle-seconds", a.idle_seconds, "idle baseline, model loaded")
      ->capture_default_str();
  cmd->add_option("--warmup-batches", a.warmup_batches, "warm-up batches of 32")
      ->capture_default_str();
  cmd->add_option("--meter", a.base.meter, "auto | nvml | rapl | nvml,rapl | estimate")
      ->capture_default_str();
  cmd->add_option("--gpu-index", a.base.gpu_index, "GPU measured by NVML")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--powercap-root", a.base.powercap_root, "root of the powercap sysfs tree")
      ->capture_default_str();
  cmd->add_option("--threads", a.threads, "torch intra-op threads (default: torch's choice)");
  return [args] { return profile_command(*args); };
}

}  // namespace gb::cli
