// GpuSetting: what a configuration asks of the GPU its model runs on, beyond the batch size: a
// power limit and locked graphics clocks (docs/energy.md, "GPU power limit and clocks"). A value
// type, torch- and NVML-free, so that specs, profiles and reports carry it; applying it is
// energy/gpu_control.h's.
//
// Spelling (command line and experiment files): a power limit is watts with the unit ("200W",
// "212.5 W"), clocks megahertz or gigahertz with the unit ("1410MHz", "1.41GHz"), and "default"
// leaves the GPU as it is. A bare number is refused, as for durations, so that "200" can never
// mean milliwatts. Both are checked against kMaxGpuPowerW / kMaxGpuClockMHz here, and against the
// GPU's own constraints before anything runs (preflight).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gb {

// No GPU is near these: 10 kW or 10 GHz is a slip of units.
inline constexpr double kMaxGpuPowerW = 10000;
inline constexpr double kMaxGpuClockMHz = 10000;

struct GpuSetting {
  std::optional<unsigned> power_limit_mw;  // none: the GPU's limit as it is
  std::optional<unsigned> clocks_mhz;      // graphics clocks locked at min = max = this

  bool empty() const { return !power_limit_mw && !clocks_mhz; }
  // "200 W", "1410 MHz", "200 W, 1410 MHz"; "default" when empty.
  std::string label() const;
  bool operator==(const GpuSetting& o) const {
    return power_limit_mw == o.power_limit_mw && clocks_mhz == o.clocks_mhz;
  }
  bool operator!=(const GpuSetting& o) const { return !(*this == o); }
  bool operator<(const GpuSetting& o) const {
    return power_limit_mw != o.power_limit_mw ? power_limit_mw < o.power_limit_mw
                                              : clocks_mhz < o.clocks_mhz;
  }
};

// "200W" as milliwatts; nullopt for "default". UsageError naming `what` otherwise.
std::optional<unsigned> parse_power_limit(std::string_view text, std::string_view what);
// "1410MHz" / "1.41GHz" as whole megahertz; nullopt for "default".
std::optional<unsigned> parse_gpu_clocks(std::string_view text, std::string_view what);

// "200W", "212.5W" (exact to the milliwatt), "default": what configuration keys and results hold.
std::string power_limit_text(const std::optional<unsigned>& mw);
std::string gpu_clocks_text(const std::optional<unsigned>& mhz);  // "1410MHz", "default"

// Every combination, limits outer: the grid's GPU dimension. Empty lists count as {default}; a
// value given twice is a UsageError naming `limits_what` or `clocks_what`.
std::vector<GpuSetting> gpu_setting_grid(const std::vector<std::string>& limits,
                                         const std::vector<std::string>& clocks,
                                         std::string_view limits_what,
                                         std::string_view clocks_what);

}  // namespace gb
