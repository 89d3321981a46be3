// greenbatch devices: compute devices and energy meters on this machine, and for each meter whether
// it can be used and, if not, why.
#include <ATen/Parallel.h>
#include <fmt/format.h>
#include <torch/cuda.h>

#include <thread>

#include "commands.h"
#include "energy/meters.h"
#include "terminal.h"

namespace gb::cli {

Command register_devices(CLI::App& app) {
  auto options = std::make_shared<MeterOptions>();
  CLI::App* cmd =
      app.add_subcommand("devices", "List compute devices and energy meters, and which are usable");
  cmd->add_option("--powercap-root", options->powercap_root, "root of the powercap sysfs tree")
      ->capture_default_str();
  return [options] {
    Table dev;
    dev.header = {"device", "available", "detail"};
    dev.rows.push_back({"cpu", "yes",
                        fmt::format("{} logical CPUs, torch uses {} threads",
                                    std::thread::hardware_concurrency(), at::get_num_threads())});
    const auto gpus = torch::cuda::device_count();
    dev.rows.push_back(
        {"cuda", gpus > 0 ? "yes" : "no",
         gpus > 0 ? fmt::format("{} device(s)", gpus)
                  : std::string(torch::cuda::is_available()
                                    ? "no device"
                                    : "this libtorch has no CUDA, or no GPU is visible")});
    std::fputs("Compute devices\n", stdout);
    std::fputs(dev.render().c_str(), stdout);

    Table meters;
    meters.header = {"meter", "available", "method", "detail"};
    for (const MeterStatus& s : probe_meters(*options)) {
      meters.rows.push_back({s.name, s.available ? "yes" : "no", s.method, s.detail});
    }
    std::fputs("\nEnergy meters (--meter auto picks the best available for --device)\n", stdout);
    std::fputs(meters.render().c_str(), stdout);
    return 0;
  };
}

}  // namespace gb::cli
