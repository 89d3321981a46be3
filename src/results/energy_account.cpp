#include "results/energy_account.h"

#include <algorithm>
#include <string_view>

namespace gb {

double EnergyAccount::gross_j() const {
  double sum = 0;
  for (const DomainEnergy& d : domains) sum += d.joules;
  return sum;
}

std::optional<double> EnergyAccount::idle_power_w() const {
  if (domains.empty()) return std::nullopt;
  double sum = 0;
  for (const DomainEnergy& d : domains) {
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
  std::string label;
  for (EnergyMethod m : methods())
    label += (label.empty() ? "" : "+") + std::string(method_label(m));
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
  EnergyAccount account;
  account.seconds = to_seconds(end.t - begin.t);
  const auto& meters = sampler.meters();
  for (uint32_t i = 0; i < meters.size(); ++i) {
    DomainEnergy d;
    d.domain = meters[i]->domain();
    d.method = meters[i]->method();
    d.detail = meters[i]->description();
    if (begin.joules[i] && end.joules[i]) {
      d.joules = *end.joules[i] - *begin.joules[i];
    } else {
      d.joules = trapezoid_energy(samples, i, begin.t, end.t);
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
