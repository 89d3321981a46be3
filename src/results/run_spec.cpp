#include "results/run_spec.h"

namespace gb {

MeterOptions meter_options(const SessionSpec& spec) {
  MeterOptions o;
  o.kind = spec.meter;
  o.device = spec.device;
  if (spec.gpu_index >= 0) o.gpu_index = static_cast<unsigned>(spec.gpu_index);
  o.powercap_root = spec.powercap_root;
  return o;
}

}  // namespace gb
