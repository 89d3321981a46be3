#include "options.h"

#include <algorithm>

#include "common/cpus.h"
#include "common/errors.h"
#include "common/parse.h"
#include "common/suggest.h"
#include "common/text_table.h"

namespace gb::cli {
namespace {
bool wide = false;  // set while the command line is parsed, read when the command prints
}  // namespace

void add_wide_flag(CLI::App* cmd) {
  cmd->add_flag("--wide", wide,
                "show every column of the tables, however wide (default: fit 100 columns, "
                "naming the columns left out)");
}

std::size_t output_width() { return wide ? kUnlimitedWidth : kTerminalWidth; }

void add_session_options(CLI::App* cmd, SessionSpec& s) {
  cmd->add_option("--weights", s.weights,
                  "TorchScript archive whose parameters load by name into a built-in model");
  add_parsed_option(cmd, "--device,-d", s.device, Device::parse, "cpu | cuda | cuda:N")
      ->default_str(s.device.text);
  cmd->add_option("--images", s.images,
                  "folder of JPEG/PNG images cycled in order (default: the built-in set)");
  cmd->add_option("--meter", s.meter,
                  "auto | nvml | rapl | nvml,rapl | estimate (auto: the best for --device)")
      ->capture_default_str();
  cmd->add_option(
         "--gpu-index", s.gpu_index,
         "NVML's index of the GPU measured (default: the GPU --device cuda:N runs on, by PCI "
         "bus id from the CUDA driver; without a CUDA driver N; else 0)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--powercap-root", s.powercap_root, "root of the powercap sysfs tree")
      ->capture_default_str();
  // 0 stays the "not given" of SessionSpec: given, it is refused, not quietly the default.
  add_parsed_option(
      cmd, "--threads", s.threads,
      [](const std::string& text) {
        const int64_t n = parse_int(text, "--threads");
        if (n < 1 || n > kMaxThreads) {
          throw UsageError("--threads must be 1.." + std::to_string(kMaxThreads) + ", got " + text +
                           " (leave it out for the default: " + std::to_string(default_threads()) +
                           " here)");
        }
        return static_cast<int>(n);
      },
      "torch intra-op threads (default: OMP_NUM_THREADS, else the CPUs this process may use: "
      "affinity, cgroup quota, SLURM_CPUS_PER_TASK); more than those CPUs is warned about");
  add_parsed_option(
      cmd, "--engine", s.engine, [](const std::string& t) { return parse_engine(t, "--engine"); },
      "eager | optimized (BatchNorm folded, frozen, oneDNN where libtorch has it: docs/models.md)")
      ->default_str(std::string(engine_label(s.engine)));
  add_parsed_option(
      cmd, "--precision", s.precision,
      [](const std::string& t) { return parse_precision(t, "--precision"); },
      "fp32 | bf16 (native on CPUs with avx512_bf16/AMX and GPUs from compute capability 8.0, "
      "emulated elsewhere) | fp16 (CUDA only)")
      ->default_str(std::string(precision_label(s.precision)));
}

std::string option_hint(CLI::App& app, int argc, char** argv) {
  CLI::App* cmd = nullptr;
  for (int i = 1; i < argc && !cmd; ++i) {
    for (CLI::App* sub : app.get_subcommands({})) {
      if (sub->get_name() == argv[i]) cmd = sub;
    }
  }
  if (!cmd) return "";
  std::vector<std::string> names;
  for (const CLI::Option* o : cmd->get_options()) {
    for (const std::string& n : o->get_lnames()) names.push_back("--" + n);
  }
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg.rfind("--", 0) != 0 || arg.size() == 2) continue;
    arg = arg.substr(0, arg.find('='));
    if (std::find(names.begin(), names.end(), arg) == names.end()) return did_you_mean(arg, names);
  }
  return "";
}

std::pair<std::size_t, std::size_t> parse_shard(const std::string& text) {
  const auto slash = text.find('/');
  if (slash == std::string::npos) throw UsageError("--shard must look like i/N, e.g. 0/4");
  const int64_t i = parse_int(text.substr(0, slash), "--shard index");
  const int64_t n = parse_int(text.substr(slash + 1), "--shard count");
  if (n < 1 || i < 0 || i >= n) throw UsageError("--shard " + text + ": need 0 <= i < N");
  return {static_cast<std::size_t>(i), static_cast<std::size_t>(n)};
}

double parse_rate_option(const std::string& text) {
  try {
    return parse_double(text, "--rate");
  } catch (const UsageError&) {
    throw UsageError("--rate: '" + text +
                     "' is not a number: rates are requests per second without a unit (--rate "
                     "32), and --rate repeats for more rates (--rate 32 --rate 64)");
  }
}

CLI::Option* add_cooldown_option(CLI::App* cmd, Nanos& cooldown) {
  const auto parse = [](const std::string& text) { return parse_duration(text, "--cooldown"); };
  return add_parsed_option(cmd, "--cooldown", cooldown, parse,
                           "pause before every configuration but the first, to let the device "
                           "cool (e.g. 5s; docs/energy.md)")
      ->default_str("0s");
}

namespace {
constexpr char kPowerLimitHelp[] =
    "the GPU's power limit for the runs, e.g. 200W (needs root; restored after each "
    "configuration; docs/energy.md)";
constexpr char kGpuClocksHelp[] =
    "lock the GPU's graphics clocks, e.g. 1410MHz (needs root; reset after each "
    "configuration: NVML cannot read locked clocks back)";
}  // namespace

void add_gpu_grid_options(CLI::App* cmd, std::vector<std::string>& limits,
                          std::vector<std::string>& clocks) {
  cmd->add_option("--power-limit", limits, std::string(kPowerLimitHelp) + " (repeatable)");
  cmd->add_option("--gpu-clocks", clocks, std::string(kGpuClocksHelp) + " (repeatable)");
}

void add_gpu_setting_options(CLI::App* cmd, GpuSetting& gpu) {
  const auto limit = [](const std::string& t) { return parse_power_limit(t, "--power-limit"); };
  const auto clocks = [](const std::string& t) { return parse_gpu_clocks(t, "--gpu-clocks"); };
  add_parsed_option(cmd, "--power-limit", gpu.power_limit_mw, limit, kPowerLimitHelp);
  add_parsed_option(cmd, "--gpu-clocks", gpu.clocks_mhz, clocks, kGpuClocksHelp);
}

CLI::Option* add_model_option(CLI::App* cmd, ModelRef& model, const std::string& help) {
  return add_parsed_option(cmd, "--model,-m", model, parse_model, help)->default_str(model.name);
}

}  // namespace gb::cli
