// RAPL energy counters through Linux powercap (Intel, and AMD, which exposes the same interface):
// <root>/intel-rapl:N/energy_uj for a package, intel-rapl:N:M for its sub-zones ("dram" is the one
// we add; "core"/"uncore" are parts of the package and would count twice).
//
// A top-level zone named "psys" (Intel client CPUs since Skylake) is the whole platform: package,
// DRAM and the rest of the SoC, as seen by the power delivery. It is the domain "platform"
// (kPlatformDomain), reported on its own and never added to package or dram:
// encloses_other_domains() says which domains a total must leave out.
//
// Contract:
// - energy_uj wraps at max_energy_range_uj. Every read (power sample or window edge) adds the
//   delta since the previous read, counting one wrap when the value went down: reads must come
//   more often than the counter wraps, which the sampler's do by orders of magnitude
//   (docs/energy.md).
// - A zone that cannot be read (root-only since Linux 5.10) is detected, and the reason is said.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "energy/power_meter.h"

namespace gb {

inline constexpr std::string_view kPlatformDomain = "platform";  // RAPL's psys zone

// Whether a domain's energy already contains other domains' (the platform contains the package
// and DRAM), so that a sum over domains must leave it out.
inline bool encloses_other_domains(std::string_view domain) { return domain == kPlatformDomain; }

struct RaplZone {
  std::string path;  // the zone's folder
  std::string name;  // the domain: "package-0", "dram", "platform" (psys), ...
};

// Package zones, their dram sub-zones and the psys zone (named kPlatformDomain) under `root`, in
// folder order; empty when there is none.
std::vector<RaplZone> find_rapl_zones(const std::string& root);

// Why a zone cannot be read ("" when it can).
std::string rapl_unreadable_reason(const RaplZone& zone);

class RaplMeter final : public PowerMeter {
 public:
  explicit RaplMeter(RaplZone zone);  // throws UsageError when the counter cannot be read
  std::string domain() const override { return zone_.name; }
  EnergyMethod method() const override { return EnergyMethod::kRapl; }
  std::string description() const override { return zone_.path + "/energy_uj"; }
  double sample_power_w() override;
  std::optional<double> energy_j() override;

 private:
  void update();  // reads the counter, adds the (wrap-corrected) delta

  RaplZone zone_;
  uint64_t max_range_uj_ = 0;
  uint64_t last_uj_ = 0;
  double total_j_ = 0;
  double power_total_j_ = 0;  // total at the previous power sample
  int64_t power_t_ns_ = 0;    // time of the previous power sample
};

}  // namespace gb
