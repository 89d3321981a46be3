#include "results/run_spec.h"

namespace gb {

MeterOptions meter_options(const SessionSpec& spec) {
  MeterOptions o;
  o.kind = spec.meter;
  o.device = spec.device;
  if (spec.gpu_index >= 0) o.gpu_index = static_cast<unsigned>(spec.gpu_index);
  o.powercap_root = spec.powercap_root;
  // Here, not in the session: preflight opens the same meters from the same answer. The CUDA
  // driver is asked in this process, with its CUDA_VISIBLE_DEVICES and CUDA_DEVICE_ORDER, which
  // are the model's.
  identify_cuda_gpu(&o);
  return o;
}

}  // namespace gb
