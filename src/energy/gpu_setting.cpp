#include "energy/gpu_setting.h"

#include <fmt/format.h>

#include <cctype>
#include <cmath>

#include "common/errors.h"
#include "common/parse.h"

namespace gb {
namespace {

// The number and the unit of "200W" / "1.41 GHz"; the unit as written.
std::pair<std::string, std::string> number_and_unit(std::string_view text) {
  const std::string_view t = trim(text);
  std::size_t at = t.size();
  while (at > 0 && std::isalpha(static_cast<unsigned char>(t[at - 1]))) --at;
  return {std::string(trim(t.substr(0, at))), std::string(t.substr(at))};
}

bool is_default(std::string_view text) { return trim(text) == "default"; }

}  // namespace

std::optional<unsigned> parse_power_limit(std::string_view text, std::string_view what) {
  if (is_default(text)) return std::nullopt;
  const auto [number, unit] = number_and_unit(text);
  if (unit != "W") {
    throw UsageError(std::string(what) + ": '" + std::string(trim(text)) +
                     "' needs the unit W (e.g. 200W), or is 'default'");
  }
  const double w = parse_double_in(number, what, 1, kMaxGpuPowerW, "W");
  return static_cast<unsigned>(std::llround(w * 1000));
}

std::optional<unsigned> parse_gpu_clocks(std::string_view text, std::string_view what) {
  if (is_default(text)) return std::nullopt;
  const auto [number, unit] = number_and_unit(text);
  double scale = 0;
  if (unit == "MHz") scale = 1;
  if (unit == "GHz") scale = 1000;
  if (scale == 0) {
    throw UsageError(std::string(what) + ": '" + std::string(trim(text)) +
                     "' needs the unit MHz or GHz (e.g. 1410MHz), or is 'default'");
  }
  const double mhz =
      parse_double_in(number, what, 1 / scale, kMaxGpuClockMHz / scale, unit) * scale;
  return static_cast<unsigned>(std::llround(mhz));
}

std::string power_limit_text(const std::optional<unsigned>& mw) {
  if (!mw) return "default";
  // Exact to the milliwatt, without trailing zeros: 212500 mW is "212.5W".
  std::string w = fmt::format("{}.{:03}", *mw / 1000, *mw % 1000);
  while (w.back() == '0') w.pop_back();
  if (w.back() == '.') w.pop_back();
  return w + "W";
}

std::string gpu_clocks_text(const std::optional<unsigned>& mhz) {
  return mhz ? fmt::format("{}MHz", *mhz) : "default";
}

std::string GpuSetting::label() const {
  std::string out;
  if (power_limit_mw) out = fmt::format("{:g} W", *power_limit_mw / 1000.0);
  if (clocks_mhz) out += fmt::format("{}{} MHz", out.empty() ? "" : ", ", *clocks_mhz);
  return out.empty() ? "default" : out;
}

std::vector<GpuSetting> gpu_setting_grid(const std::vector<std::string>& limits,
                                         const std::vector<std::string>& clocks,
                                         std::string_view limits_what,
                                         std::string_view clocks_what) {
  const auto parsed = [](const std::vector<std::string>& texts, std::string_view what, auto parse,
                         auto spell) {
    std::vector<std::optional<unsigned>> out;
    for (const std::string& t : texts) {
      const std::optional<unsigned> v = parse(t, what);
      for (const auto& seen : out) {
        if (seen == v) {
          throw UsageError(std::string(what) + " names " + spell(v) + " twice ('" + t + "')");
        }
      }
      out.push_back(v);
    }
    if (out.empty()) out.push_back(std::nullopt);
    return out;
  };
  std::vector<GpuSetting> grid;
  for (const auto& limit : parsed(limits, limits_what, parse_power_limit, power_limit_text)) {
    for (const auto& clock : parsed(clocks, clocks_what, parse_gpu_clocks, gpu_clocks_text)) {
      grid.push_back({limit, clock});
    }
  }
  return grid;
}

}  // namespace gb
