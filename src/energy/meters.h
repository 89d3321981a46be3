// Choosing and opening energy meters, and explaining the choice (`greenbatch devices`). The same
// rules, for users: docs/energy.md.
//
// MeterOptions::kind:
//   auto        the best hardware counters for `device`, the estimator only when none exists:
//               cpu    -> the RAPL package (+ dram) zones when readable, else the estimator;
//               cuda:N -> NVML for GPU `gpu_id` when given (identify_cuda_gpu sets it to the GPU
//                         cuda:N is), else `gpu_index`, else NVML's GPU N, plus the RAPL zones
//                         when readable (GPU + CPU package), else the estimator.
//   nvml, rapl, nvml,rapl
//               exactly these; a UsageError says why one of them cannot be used.
//   estimate    the estimator, whatever exists.
// Hardware meters and the estimator are never mixed in one measurement. The meter is independent
// of the device: a GPU's draw can be measured while the model runs on the CPU.
//
// The GPU measured must be the GPU used. NVML enumerates every GPU of the machine in its own order,
// whatever CUDA_VISIBLE_DEVICES says (indices, UUIDs or MIG ids) and however CUDA orders them
// (fastest first by default), so cuda:N's N is NVML's GPU N only on a one-GPU machine or by luck.
// identify_cuda_gpu() asks this process's CUDA driver which GPU cuda:N is and sets `gpu_id` to its
// PCI bus id; the meter opens that GPU whatever its NVML index. An explicit `gpu_index`
// (--gpu-index) is NVML's index and is never reinterpreted. The NVML meter's description ends with
// the rule that chose its GPU ("GPU chosen by ..."), so a result says whether it was by identity
// or by index.
//
// Windows are exact to the counter's update edges (energy/nvml_meter.h), and shorter than
// kMinCounterUpdatesPerWindow updates flagged; RAPL's psys zone is the domain "platform", which
// contains the others and is never added to them (energy/rapl_meter.h).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/device.h"
#include "energy/cpu_estimator.h"
#include "energy/nvml_gpu.h"
#include "energy/power_meter.h"

namespace gb {

struct MeterOptions {
  std::string kind = "auto";          // auto | nvml | rapl | nvml,rapl | estimate
  Device device;                      // cpu
  std::optional<unsigned> gpu_index;  // default: the CUDA device's index, else 0
  // The GPU by UUID ("GPU-8f6a...", as CUDA and nvidia-smi -L spell it) or PCI bus id
  // ("00000000:3B:00.0"); wins over gpu_index and the device's index when set.
  std::optional<std::string> gpu_id;
  // How gpu_id was found ("cuda:0 as this process's CUDA driver numbers it ..."); or, without
  // gpu_id, why the CUDA device's identity is unknown ("no CUDA driver: ..."). Either ends up in
  // the NVML meter's description, with the rule it implies.
  std::string gpu_id_source;
  std::string gpu_id_unknown;
  std::string powercap_root = "/sys/class/powercap";
  EstimatorParams estimator;
};

struct MeterStatus {
  std::string name;  // "nvml gpu0", "rapl package-0", "estimate"
  bool available = false;
  std::string method;  // label used in results
  std::string detail;  // what it measures, or why it cannot be used
};

// Every meter that could be opened, and why each that cannot be is not.
std::vector<MeterStatus> probe_meters(const MeterOptions& options);
// For a CUDA device without an explicit gpu_index or gpu_id: sets gpu_id to the PCI bus id of the
// GPU that CUDA device is in this process (energy/cuda_device.h), and gpu_id_source; when the CUDA
// driver cannot say, leaves the index rule in force and sets gpu_id_unknown. Never throws.
void identify_cuda_gpu(MeterOptions* options);
// The GPU the NVML meter of `options` measures, by the rules above (gpu_id, else gpu_index, else
// the CUDA device's index, else 0): what GPU settings (energy/gpu_control.h) apply to as well.
// UsageError as find_nvml_gpu's.
NvmlGpu find_measured_gpu(NvmlLibrary& lib, const MeterOptions& options);
unsigned gpu_index_of(const MeterOptions& options);
// The NVIDIA driver's version, "" without NVML.
std::string nvidia_driver_version();
// The meters `options` choose, owned by the caller; UsageError for an unknown kind or a named
// meter that cannot be used.
std::vector<std::unique_ptr<PowerMeter>> open_meters(const MeterOptions& options);

}  // namespace gb
