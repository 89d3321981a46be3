// Choosing and opening energy meters, and explaining the choice (`greenbatch devices`).
//
// --meter auto   the best hardware counters for the device, the estimator only when none exists:
//                device cpu -> RAPL package (+ dram) zones when readable, else the estimator;
//                device cuda -> the same for now (NVML lands with its own issue), so a GPU run on a
//                machine without readable RAPL is estimated and labelled so.
// --meter rapl   RAPL, or a UsageError saying why it cannot be used.
// --meter estimate  the estimator, whatever exists.
// Hardware meters and the estimator are never mixed in one measurement.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "energy/cpu_estimator.h"
#include "energy/power_meter.h"

namespace gb {

struct MeterOptions {
  std::string kind = "auto";   // auto | rapl | estimate
  std::string device = "cpu";  // cpu | cuda | cuda:N
  unsigned gpu_index = 0;
  std::string powercap_root = "/sys/class/powercap";
  EstimatorParams estimator;
};

struct MeterStatus {
  std::string name;  // "rapl package-0", "nvml", "estimate"
  bool available = false;
  std::string method;  // label used in results
  std::string detail;  // what it measures, or why it cannot be used
};

std::vector<MeterStatus> probe_meters(const MeterOptions& options);
std::vector<std::unique_ptr<PowerMeter>> open_meters(const MeterOptions& options);

}  // namespace gb
