#include "energy/energy_method.h"

#include <algorithm>

namespace gb {
namespace {

constexpr EnergyMethod kAllMethods[] = {EnergyMethod::kNvmlEnergy, EnergyMethod::kNvmlPower,
                                        EnergyMethod::kRapl, EnergyMethod::kEstimate};

std::string_view trimmed(std::string_view s) {
  const auto first = s.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(" \t") - first + 1);
}

}  // namespace

const char* method_label(EnergyMethod method) {
  switch (method) {
    case EnergyMethod::kNvmlEnergy:
      return "nvml-energy";
    case EnergyMethod::kNvmlPower:
      return "nvml-power";
    case EnergyMethod::kRapl:
      return "rapl";
    case EnergyMethod::kEstimate:
      return "estimate";
  }
  return "unknown";
}

std::optional<EnergyMethod> parse_energy_method(std::string_view label) {
  for (EnergyMethod m : kAllMethods) {
    if (label == method_label(m)) return m;
  }
  return std::nullopt;
}

bool EnergyMethods::has_estimate() const {
  return !unknown.empty() ||
         std::any_of(known.begin(), known.end(), [](EnergyMethod m) { return !is_measurement(m); });
}

bool EnergyMethods::partly_estimated() const {
  return has_estimate() && std::any_of(known.begin(), known.end(), is_measurement);
}

std::string estimate_note(const EnergyMethods& m) {
  if (m.partly_estimated()) {
    return " (partly estimated: the estimated domains are a model, so the total is NOT wholly a "
           "measurement)";
  }
  return m.has_estimate() ? " (NOT a measurement)" : "";
}

std::string EnergyMethods::label(std::string_view separator) const {
  std::string out;
  const auto add = [&](std::string_view part) {
    if (!out.empty()) out += separator;
    out += part;
  };
  for (EnergyMethod m : known) add(method_label(m));
  for (const std::string& u : unknown) add(u);
  return out;
}

void EnergyMethods::merge(const EnergyMethods& other) {
  for (EnergyMethod m : other.known) {
    if (std::find(known.begin(), known.end(), m) == known.end()) known.push_back(m);
  }
  for (const std::string& u : other.unknown) {
    if (std::find(unknown.begin(), unknown.end(), u) == unknown.end()) unknown.push_back(u);
  }
}

EnergyMethods parse_energy_methods(std::string_view label) {
  EnergyMethods out;
  if (trimmed(label) == kNoMethodLabel) return out;
  std::size_t start = 0;
  while (true) {
    const std::size_t end = label.find_first_of("+,", start);
    const std::string_view part =
        trimmed(label.substr(start, end == std::string_view::npos ? end : end - start));
    EnergyMethods one;
    if (const auto m = parse_energy_method(part)) {
      one.known.push_back(*m);
    } else {
      one.unknown.emplace_back(part);
    }
    out.merge(one);
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return out;
}

}  // namespace gb
