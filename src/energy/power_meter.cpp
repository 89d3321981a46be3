#include "energy/power_meter.h"

namespace gb {

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

}  // namespace gb
