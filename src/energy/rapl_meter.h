// RAPL energy counters through Linux powercap (Intel, and AMD, which exposes the same interface):
// <root>/intel-rapl:N/energy_uj for a package, intel-rapl:N:M for its sub-zones ("dram" is the one
// we add; "core"/"uncore" are parts of the package and would count twice).
//
// Contract:
// - energy_uj wraps at max_energy_range_uj. Every read (power sample or window edge) adds the
//   delta since the previous read, counting one wrap when the value went down: reads must come
//   more often than the counter wraps, which the sampler's do by orders of magnitude
//   (docs/energy.md).
// - A zone that cannot be read (root-only since Linux 5.10) is detected, and the reason is said.
#pragma once

#include <string>
#include <vector>

#include "energy/power_meter.h"

namespace gb {

struct RaplZone {
  std::string path;  // the zone's folder
  std::string name;  // "package-0", "dram", ...
};

// Package zones and their dram sub-zones under `root`; empty when there is none.
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
