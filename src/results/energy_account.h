// Energy over a window, per domain, each with the method that produced it. Counter-based meters
// use the difference of their counter at the window edges; the others integrate power samples by
// the trapezoid rule. The idle baseline gives the idle and dynamic split; dynamic is never reported
// alone.
//
// Domains are never silently summed: the total adds GPUs, CPU packages and DRAM (and a simulated
// domain, which is a profile's total), never a platform (psys) domain, which already holds the
// package; each kind also has its own figure (kind_j).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "energy/energy_method.h"
#include "energy/sampler.h"

namespace gb {

// What a domain measures, from its meter's name: "gpuN" a GPU (NVML), "package-N" and "cpu" (the
// estimate) a CPU, "dram" memory, "psys"/"platform" the whole platform (RAPL psys, which contains
// the package and more), "simulated" a profile's total; anything else "other" (in the total).
enum class DomainKind { kGpu, kCpu, kDram, kPlatform, kSimulated, kOther };
DomainKind domain_kind(std::string_view domain);
const char* domain_kind_label(DomainKind kind);  // "gpu", "cpu", "dram", "platform", ...

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
  // Why some domain's figure is less precise than its method promises, one line each, naming the
  // domain; empty when none is: a window shorter than kMinCounterUpdatesPerWindow updates of a
  // stepped counter (energy/power_meter.h, short_window_warning()).
  std::vector<std::string> warnings;

  // The total: every domain but platform ones (see above).
  double gross_j() const;
  // The energy of the domains of one kind; nullopt when there is none.
  std::optional<double> kind_j(DomainKind kind) const;
  std::optional<double> idle_power_w()
      const;                                // over the total's domains; nullopt without a baseline
  std::optional<double> idle_j() const;     // idle power x window length
  std::optional<double> dynamic_j() const;  // gross - idle
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
// The same over the window [from, to] when the readings were taken just outside it (a run's window
// is time zero to its last completion; the counters can only be read around it): each counter's
// difference less the energy its power samples show between the readings and the edges.
EnergyAccount account_energy(const PowerSampler& sampler, const std::vector<PowerSample>& samples,
                             const EnergyReading& begin, const EnergyReading& end, Nanos from,
                             Nanos to);

// Mean power of each meter over a window (the idle baseline), same rules as account_energy.
std::vector<double> mean_power(const PowerSampler& sampler, const std::vector<PowerSample>& samples,
                               const EnergyReading& begin, const EnergyReading& end);

}  // namespace gb
