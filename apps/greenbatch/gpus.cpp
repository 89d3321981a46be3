#include "gpus.h"

#include <fmt/format.h>

#include "common/errors.h"
#include "common/text_table.h"
#include "energy/gpu_control.h"
#include "terminal.h"

namespace gb::cli {
namespace {

std::string watts(const std::optional<double>& w) { return w ? fmt::format("{:g} W", *w) : "-"; }

const char* holder_word(GpuHolder h) {
  switch (h) {
    case GpuHolder::kThisProcess:
      return "this process";
    case GpuHolder::kAlive:
      return "running";
    case GpuHolder::kGone:
      return "gone: the next start restores it";
    case GpuHolder::kOtherHost:
      return "another host: left alone";
  }
  return "";
}

std::string changed(const GpuStateEntry& e) {
  std::string out;
  if (e.original_limit_mw)
    out = fmt::format("power limit (was {:g} W)", *e.original_limit_mw / 1e3);
  if (e.clocks_locked) out += (out.empty() ? "" : ", ") + std::string("clocks locked");
  return out;
}

}  // namespace

void restore_abandoned_gpus() {
  try {
    const GpuRestoreReport r = restore_abandoned_gpu_settings();
    for (const std::string& line : r.restored) status("greenbatch: restored " + line);
    for (const std::string& line : r.failed) status("greenbatch: warning: " + line);
  } catch (const std::exception& e) {
    status(std::string("greenbatch: warning: ") + e.what());
  }
}

int restore_gpus_by_hand() {
  const GpuRestoreReport r = restore_abandoned_gpu_settings();
  for (const std::string& line : r.restored) std::printf("restored %s\n", line.c_str());
  for (const std::string& line : r.left) std::printf("%s\n", line.c_str());
  for (const std::string& line : r.failed) std::printf("failed: %s\n", line.c_str());
  if (r.restored.empty() && r.failed.empty()) {
    std::printf("nothing to restore: no GPU setting left by a greenbatch that is gone (%s)\n",
                gpu_state_path().c_str());
  }
  return r.failed.empty() ? 0 : 1;
}

std::string gpu_settings_text(std::size_t width) {
  std::string out;
  const std::vector<GpuControlStatus> gpus = probe_gpu_controls();
  if (!gpus.empty()) {
    Table t;
    t.header = {"gpu", "power limit", "settable", "max clock", "detail"};
    t.wrap = {false, false, false, false, true};
    for (const GpuControlStatus& g : gpus) {
      const std::string range =
          g.min_w ? fmt::format("{:g}-{:g} W", *g.min_w, *g.max_w) : std::string("-");
      t.rows.push_back({g.name, watts(g.limit_w), range,
                        g.max_clock_mhz ? fmt::format("{} MHz", *g.max_clock_mhz) : "-",
                        g.why.empty() ? g.uuid : g.why});
    }
    out +=
        "\nGPU power limit and clocks (--power-limit, --gpu-clocks; need root)\n" + t.render(width);
  }
  const std::string path = gpu_state_path();
  const std::vector<GpuStateEntry> held = read_gpu_state(path);
  if (!held.empty()) {
    Table t;
    t.header = {"gpu", "changed", "holder", "state"};
    t.wrap = {false, false, true, true};
    for (const GpuStateEntry& e : held) {
      t.rows.push_back({e.uuid, changed(e), describe_holder(e), holder_word(holder_of(e))});
    }
    out += "\nGPU settings greenbatch holds (" + path + "; greenbatch devices --restore)\n" +
           t.render(width);
  }
  return out;
}

nlohmann::ordered_json gpu_settings_json() {
  using nlohmann::ordered_json;
  const auto opt = [](const auto& v) { return v ? ordered_json(*v) : ordered_json(nullptr); };
  ordered_json out = {{"gpu_controls", ordered_json::array()},
                      {"gpu_state", ordered_json::array()}};
  for (const GpuControlStatus& g : probe_gpu_controls()) {
    out["gpu_controls"].push_back({{"gpu", g.name},
                                   {"uuid", g.uuid},
                                   {"power_limit_w", opt(g.limit_w)},
                                   {"min_power_limit_w", opt(g.min_w)},
                                   {"max_power_limit_w", opt(g.max_w)},
                                   {"max_clock_mhz", opt(g.max_clock_mhz)},
                                   {"unavailable", g.why}});
  }
  for (const GpuStateEntry& e : read_gpu_state(gpu_state_path())) {
    out["gpu_state"].push_back({{"uuid", e.uuid},
                                {"changed", changed(e)},
                                {"holder", describe_holder(e)},
                                {"state", holder_word(holder_of(e))}});
  }
  return out;
}

}  // namespace gb::cli
