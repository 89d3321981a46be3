// greenbatch devices: compute devices and energy meters on this machine, and for each meter whether
// it can be used and, if not, why.
#include <ATen/Context.h>
#include <fmt/format.h>
#include <torch/cuda.h>

#include <nlohmann/json.hpp>
#include <thread>

#include "commands.h"
#include "common/cpus.h"
#include "energy/meters.h"
#include "gpus.h"
#include "models/engine.h"
#include "options.h"
#include "terminal.h"

namespace gb::cli {

struct DevicesArgs {
  MeterOptions meters;
  bool json = false, restore = false;
};

Command register_devices(CLI::App& app) {
  auto a = std::make_shared<DevicesArgs>();
  CLI::App* cmd =
      app.add_subcommand("devices", "List compute devices and energy meters, and which are usable");
  add_wide_flag(cmd);
  cmd->add_option("--powercap-root", a->meters.powercap_root, "root of the powercap sysfs tree")
      ->capture_default_str();
  cmd->add_flag("--json", a->json, "print JSON (for scripts) instead of tables");
  cmd->add_flag("--restore", a->restore,
                "restore GPU power limits and clocks left by a greenbatch that is gone, and say "
                "what was done");
  return [a] {
    if (a->restore) return restore_gpus_by_hand();
    Table dev;
    dev.header = {"device", "available", "detail"};
    dev.wrap = {false, false, true};
    dev.rows.push_back({"cpu", "yes",
                        fmt::format("{} logical CPUs; sessions use {} thread{} by default "
                                    "(usable CPUs: {})",
                                    std::thread::hardware_concurrency(), default_threads(),
                                    default_threads() == 1 ? "" : "s", cpu_limits().describe())});
    // What --engine and --precision can use here, asked of this machine now.
    dev.rows.push_back({"cpu: engine optimized", "yes",
                        at::hasMKLDNN()
                            ? "oneDNN (mkldnn) in this libtorch: convolutions and "
                              "linear layers run prepacked"
                            : "no oneDNN in this libtorch: frozen graph, channels_last"});
    for (Precision p : {Precision::kBf16, Precision::kFp16}) {
      const PrecisionSupport s = cpu_precision_support(p);
      dev.rows.push_back({"cpu: " + std::string(precision_label(p)),
                          !s.usable  ? "no"
                          : s.native ? "yes"
                                     : "yes (emulated)",
                          s.why});
    }
    const auto gpus = torch::cuda::device_count();
    dev.rows.push_back(
        {"cuda", gpus > 0 ? "yes" : "no",
         gpus > 0 ? fmt::format("{} device(s)", gpus)
                  : std::string(torch::cuda::is_available()
                                    ? "no device"
                                    : "this libtorch has no CUDA, or no GPU is visible")});
    const std::vector<MeterStatus> probed = probe_meters(a->meters);
    if (a->json) {
      nlohmann::ordered_json out = {{"devices", nlohmann::ordered_json::array()},
                                    {"meters", nlohmann::ordered_json::array()}};
      for (const auto& r : dev.rows) {
        out["devices"].push_back(
            {{"device", r[0]}, {"available", r[1].rfind("yes", 0) == 0}, {"detail", r[2]}});
      }
      for (const MeterStatus& s : probed) {
        out["meters"].push_back({{"meter", s.name},
                                 {"available", s.available},
                                 {"method", s.method},
                                 {"detail", s.detail}});
      }
      out.update(gpu_settings_json());
      std::puts(out.dump(2).c_str());
      return 0;
    }
    std::fputs("Compute devices\n", stdout);
    std::fputs(dev.render(output_width()).c_str(), stdout);

    Table meters;
    meters.header = {"meter", "available", "method", "detail"};
    meters.wrap = {false, false, false, true};
    for (const MeterStatus& s : probed) {
      meters.rows.push_back({s.name, s.available ? "yes" : "no", s.method, s.detail});
    }
    std::fputs("\nEnergy meters (--meter auto picks the best available for --device)\n", stdout);
    std::fputs(meters.render(output_width()).c_str(), stdout);
    std::fputs(gpu_settings_text(output_width()).c_str(), stdout);
    return 0;
  };
}

}  // namespace gb::cli
