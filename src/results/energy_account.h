// Energy over a window, per domain, each with the method that produced it. Counter-based meters
// use the difference of their counter at the window edges; the others integrate power samples by
// the trapezoid rule. The idle baseline gives the idle and dynamic split; dynamic is never reported
// alone.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "energy/energy_method.h"
#include "energy/sampler.h"

namespace gb {

struct DomainEnergy {
  std::string domain;
  EnergyMethod method = EnergyMethod::kEstimate;  // written as method_label() at I/O
  double joules = 0;
  std::optional<double> idle_power_w;  // from the idle baseline, when one was measured
  std::string detail;                  // the meter's description (device, power limit, source)
};

struct EnergyAccount {
  std::vector<DomainEnergy> domains;
  double seconds = 0;

  double gross_j() const;
  std::optional<double> idle_power_w() const;  // sum over domains; nullopt without a baseline
  std::optional<double> idle_j() const;        // idle power x window length
  std::optional<double> dynamic_j() const;     // gross - idle
  // One label for the whole figure: the single method, or "a+b" when domains differ; "none"
  // without domains.
  std::string method() const;
  // The domains' methods, each once, in domain order.
  std::vector<EnergyMethod> methods() const;
  // Whether some domain's figure is not a measurement (energy/energy_method.h); false without
  // domains.
  bool has_estimate() const;
};

// Energy of every meter of `sampler` between two readings taken with sampler.read_energy().
EnergyAccount account_energy(const PowerSampler& sampler, const std::vector<PowerSample>& samples,
                             const EnergyReading& begin, const EnergyReading& end);

// Mean power of each meter over a window (the idle baseline), same rules as account_energy.
std::vector<double> mean_power(const PowerSampler& sampler, const std::vector<PowerSample>& samples,
                               const EnergyReading& begin, const EnergyReading& end);

}  // namespace gb
