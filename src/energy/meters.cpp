#include "energy/meters.h"

#include <dlfcn.h>

#include "common/errors.h"
#include "energy/rapl_meter.h"

namespace gb {
namespace {

// Readable RAPL zones, or the reason there are none.
std::vector<RaplZone> readable_rapl(const std::string& root, std::string* why) {
  std::vector<RaplZone> zones = find_rapl_zones(root);
  if (zones.empty()) {
    *why = "no RAPL zones under " + root + " (no powercap driver, or not an Intel/AMD CPU)";
    return zones;
  }
  for (const RaplZone& z : zones) {
    const std::string reason = rapl_unreadable_reason(z);
    if (!reason.empty()) {
      *why = reason;
      return {};
    }
  }
  return zones;
}

std::string nvml_library_status() {
  for (const char* lib : {"libnvidia-ml.so.1", "libnvidia-ml.so"}) {
    if (void* h = dlopen(lib, RTLD_LAZY | RTLD_LOCAL)) {
      dlclose(h);
      return std::string(lib) + " found, but this build has no NVML meter yet";
    }
  }
  return "no NVIDIA driver: libnvidia-ml.so.1 cannot be loaded";
}

}  // namespace

std::vector<MeterStatus> probe_meters(const MeterOptions& o) {
  std::vector<MeterStatus> out;
  out.push_back({"nvml", false, "nvml-energy", nvml_library_status()});
  std::string why;
  const auto zones = readable_rapl(o.powercap_root, &why);
  if (zones.empty()) {
    out.push_back({"rapl", false, "rapl", why});
  } else {
    for (const RaplZone& z : zones) out.push_back({"rapl " + z.name, true, "rapl", z.path});
  }
  CpuEstimator est(o.estimator);
  out.push_back({"estimate", true, "estimate",
                 "CPU-time model, " + std::to_string(static_cast<int>(est.idle_w())) + "-" +
                     std::to_string(static_cast<int>(est.max_w())) + " W over " +
                     std::to_string(est.cpus()) + " CPUs; used only when nothing is measurable"});
  return out;
}

std::vector<std::unique_ptr<PowerMeter>> open_meters(const MeterOptions& o) {
  std::vector<std::unique_ptr<PowerMeter>> meters;
  if (o.kind == "estimate") {
    meters.push_back(std::make_unique<CpuEstimator>(o.estimator));
    return meters;
  }
  if (o.kind != "auto" && o.kind != "rapl") {
    throw UsageError("unknown meter '" + o.kind + "' (known: auto, rapl, estimate)");
  }
  std::string why;
  const auto zones = readable_rapl(o.powercap_root, &why);
  if (zones.empty() && o.kind == "rapl") throw UsageError("meter 'rapl' unavailable: " + why);
  for (const RaplZone& z : zones) meters.push_back(std::make_unique<RaplMeter>(z));
  if (meters.empty()) meters.push_back(std::make_unique<CpuEstimator>(o.estimator));
  return meters;
}

}  // namespace gb
