// EnergyMethod: how an energy figure was produced, as a value, with its one spelling in every
// output. Code decides on the enum; text appears only at the edges: method_label() where results
// are written, parse_energy_method() / parse_energy_methods() where they are read back (a
// report's rows, a profile's record), once.
//
// Contract:
// - method_label() and parse_energy_method() are inverses on the four labels; any other text
//   parses to nullopt, so a label this version does not know is never taken for one it does.
// - Several methods are written joined by '+' within one account ("estimate+rapl",
//   EnergyAccount::method()) and by ", " across configurations ("estimate, rapl", a report's
//   energy_methods()); parse_energy_methods() reads both, and "none" (an account without meters)
//   as naming no method.
// - Only kEstimate is not a measurement. A part of a label that names no known method is kept as
//   written and is never presented as a measurement either: has_estimate() counts it
//   (docs/energy.md).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gb {

enum class EnergyMethod {
  kNvmlEnergy,  // NVML total-energy counter (Volta and newer)
  kNvmlPower,   // NVML power readings integrated over time
  kRapl,        // Linux powercap / RAPL energy counters
  kEstimate,    // a model, not a measurement: labelled as such everywhere
};

// "nvml-energy", "nvml-power", "rapl", "estimate": the labels used in every output.
const char* method_label(EnergyMethod method);

// What an account without meters calls its method (EnergyAccount::method()).
inline constexpr std::string_view kNoMethodLabel = "none";

// The method `label` names exactly; nullopt for anything else (a combined label included).
std::optional<EnergyMethod> parse_energy_method(std::string_view label);

inline bool is_measurement(EnergyMethod method) { return method != EnergyMethod::kEstimate; }

// The methods a written label names.
struct EnergyMethods {
  std::vector<EnergyMethod> known;   // each once, in the order the label names them
  std::vector<std::string> unknown;  // parts naming no method, as written (trimmed)

  // Whether some figure is not a measurement: an estimate, or a method this version does not
  // know.
  bool has_estimate() const;
  // Whether some figures are measurements and some are not (a total that mixes them).
  bool partly_estimated() const;
  // Adds the methods and unknown parts of `other` not here yet, after these.
  void merge(const EnergyMethods& other);
  // The known methods' labels, then the unknown parts, joined by `separator` ("+" within one
  // account, ", " across several); "" when there are none.
  std::string label(std::string_view separator) const;
  bool operator==(const EnergyMethods& o) const { return known == o.known && unknown == o.unknown; }
};

// Splits `label` at '+' and ',', trims each part and parses it. An empty label, or an empty part
// ("rapl+"), is an unknown part "": text that should have named a method and does not.
EnergyMethods parse_energy_methods(std::string_view label);

// What to say after a label of `methods` wherever a figure is shown: "" for measurements only,
// " (partly estimated: ... NOT wholly a measurement)" for a mix, " (NOT a measurement)"
// otherwise (the label itself says estimate).
std::string estimate_note(const EnergyMethods& methods);

}  // namespace gb
