#include "results/energy_account.h"

#include <algorithm>
#include <string_view>

#include "energy/rapl_meter.h"

namespace gb {

DomainKind domain_kind(std::string_view d) {
  if (encloses_other_domains(d)) return DomainKind::kPlatform;
  const auto starts = [&](std::string_view p) { return d.substr(0, p.size()) == p; };
  if (starts("gpu")) return DomainKind::kGpu;
  if (starts("package") || d == "cpu") return DomainKind::kCpu;
  if (d == "dram") return DomainKind::kDram;
  if (d == "psys" || d == "platform") return DomainKind::kPlatform;
  if (d == "simulated") return DomainKind::kSimulated;
  return DomainKind::kOther;
}

const char* domain_kind_label(DomainKind kind) {
  switch (kind) {
    case DomainKind::kGpu:
      return "gpu";
    case DomainKind::kCpu:
      return "cpu";
    case DomainKind::kDram:
      return "dram";
    case DomainKind::kPlatform:
      return "platform";
    case DomainKind::kSimulated:
      return "simulated";
    case DomainKind::kOther:
      return "other";
  }
  return "other";
}

namespace {
// A platform domain holds the package: it is left out, unless it is all that was measured.
bool in_total(const DomainEnergy& d, const std::vector<DomainEnergy>& all) {
  if (domain_kind(d.domain) != DomainKind::kPlatform) return true;
  return std::all_of(all.begin(), all.end(), [](const DomainEnergy& o) {
    return domain_kind(o.domain) == DomainKind::kPlatform;
  });
}
}  // namespace

double EnergyAccount::gross_j() const {
  double sum = 0;
  for (const DomainEnergy& d : domains) {
    if (in_total(d, domains)) sum += d.joules;
  }
  return sum;
}

std::optional<double> EnergyAccount::kind_j(DomainKind kind) const {
  std::optional<double> sum;
  for (const DomainEnergy& d : domains) {
    if (domain_kind(d.domain) == kind) sum = sum.value_or(0) + d.joules;
  }
  return sum;
}

std::optional<double> EnergyAccount::idle_power_w() const {
  if (domains.empty()) return std::nullopt;
  double sum = 0;
  for (const DomainEnergy& d : domains) {
    if (!in_total(d, domains)) continue;
    if (!d.idle_power_w) return std::nullopt;
    sum += *d.idle_power_w;
  }
  return sum;
}

std::optional<double> EnergyAccount::idle_j() const {
  if (auto p = idle_power_w()) return *p * seconds;
  return std::nullopt;
}

std::optional<double> EnergyAccount::dynamic_j() const {
  if (auto idle = idle_j()) return gross_j() - *idle;
  return std::nullopt;
}

std::string EnergyAccount::method() const {
  const std::string label = EnergyMethods{methods(), {}}.label("+");
  return label.empty() ? std::string(kNoMethodLabel) : label;
}

std::vector<EnergyMethod> EnergyAccount::methods() const {
  std::vector<EnergyMethod> out;
  for (const DomainEnergy& d : domains) {
    if (std::find(out.begin(), out.end(), d.method) == out.end()) out.push_back(d.method);
  }
  return out;
}

bool EnergyAccount::has_estimate() const {
  return std::any_of(domains.begin(), domains.end(),
                     [](const DomainEnergy& d) { return !is_measurement(d.method); });
}

std::vector<double> mean_power(const PowerSampler& sampler, const std::vector<PowerSample>& samples,
                               const EnergyReading& begin, const EnergyReading& end) {
  const EnergyAccount a = account_energy(sampler, samples, begin, end);
  std::vector<double> watts;
  for (const DomainEnergy& d : a.domains) watts.push_back(a.seconds > 0 ? d.joules / a.seconds : 0);
  return watts;
}

EnergyAccount account_energy(const PowerSampler& sampler, const std::vector<PowerSample>& samples,
                             const EnergyReading& begin, const EnergyReading& end) {
  return account_energy(sampler, samples, begin, end, begin.t, end.t);
}

EnergyAccount account_energy(const PowerSampler& sampler, const std::vector<PowerSample>& samples,
                             const EnergyReading& begin, const EnergyReading& end, Nanos from,
                             Nanos to) {
  // The samples' energy from a to b, negative when b < a.
  const auto signed_energy = [&](uint32_t i, Nanos a, Nanos b) {
    return b >= a ? trapezoid_energy(samples, i, a, b) : -trapezoid_energy(samples, i, b, a);
  };
  EnergyAccount account;
  account.seconds = to_seconds(to - from);
  const auto& meters = sampler.meters();
  for (uint32_t i = 0; i < meters.size(); ++i) {
    DomainEnergy d;
    d.domain = meters[i]->domain();
    d.method = meters[i]->method();
    d.detail = meters[i]->description();
    const std::string warning = short_window_warning(*meters[i], to - from);
    if (!warning.empty()) account.warnings.push_back(warning);
    if (begin.joules[i] && end.joules[i]) {
      // The counter spans the readings; the slivers between them and the window's edges (about a
      // millisecond each) are taken off at the power the samples show there.
      d.joules = *end.joules[i] - *begin.joules[i] - signed_energy(i, begin.t, from) -
                 signed_energy(i, to, end.t);
    } else {
      d.joules = trapezoid_energy(samples, i, from, to);
      // An NVML counter meter without both edge readings (a GPU lost mid-run) falls back to its
      // power samples: say so instead of claiming the counter.
      if (meters[i]->method() == EnergyMethod::kNvmlEnergy) {
        d.method = EnergyMethod::kNvmlPower;
      }
    }
    account.domains.push_back(d);
  }
  return account;
}

}  // namespace gb
