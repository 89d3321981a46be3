#include "energy/meters.h"

#include <algorithm>

#include "common/device.h"
#include "common/errors.h"
#include "common/parse.h"
#include "energy/cuda_device.h"
#include "energy/nvml_library.h"
#include "energy/nvml_meter.h"
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

// Which rule chose the NVML GPU, for the meter's description.
std::string gpu_rule(const MeterOptions& o) {
  if (o.gpu_id) {
    return "GPU chosen by " +
           std::string(o.gpu_id->rfind("GPU-", 0) == 0 ? "UUID " : "PCI bus id ") + *o.gpu_id +
           (o.gpu_id_source.empty() ? "" : ": " + o.gpu_id_source);
  }
  const unsigned index = gpu_index_of(o);
  if (o.gpu_index) return "GPU chosen by NVML index " + std::to_string(index) + " (--gpu-index)";
  if (!o.device.is_cuda()) {
    return "GPU chosen by NVML index 0 (the model runs on the CPU; --gpu-index picks another)";
  }
  return "GPU chosen by NVML index " + std::to_string(index) + ", " + o.device.name() +
         "'s number, which is CUDA's GPU only by luck on a machine with several GPUs" +
         (o.gpu_id_unknown.empty() ? "" : " (" + o.gpu_id_unknown + ")");
}

struct Choice {
  bool nvml = false, rapl = false, estimate = false;
};

Choice parse_kind(const std::string& kind) {
  Choice c;
  if (kind == "auto") return c;
  if (kind == "estimate") {
    c.estimate = true;
    return c;
  }
  for (const std::string& part : split(kind, ',')) {
    const std::string k(trim(part));
    if (k == "nvml") {
      c.nvml = true;
    } else if (k == "rapl") {
      c.rapl = true;
    } else if (k == "estimate" || k == "auto") {
      throw UsageError("meter '" + kind + "': " + k + " cannot be combined with other meters");
    } else {
      throw UsageError("unknown meter '" + k + "' (known: auto, nvml, rapl, nvml,rapl, estimate)");
    }
  }
  return c;
}

}  // namespace

unsigned gpu_index_of(const MeterOptions& o) {
  if (o.gpu_index) return *o.gpu_index;
  const Device& d = o.device;
  return d.is_cuda() ? static_cast<unsigned>(d.index) : 0;
}

NvmlGpu find_measured_gpu(NvmlLibrary& lib, const MeterOptions& o) {
  return o.gpu_id ? find_nvml_gpu(lib, *o.gpu_id) : find_nvml_gpu(lib, gpu_index_of(o));
}

std::vector<MeterStatus> probe_meters(const MeterOptions& o) {
  std::vector<MeterStatus> out;
  std::string why;
  if (auto lib = NvmlLibrary::open(&why)) {
    const unsigned n = nvml_device_count(*lib);
    if (n == 0) {
      out.push_back({"nvml", false, method_label(EnergyMethod::kNvmlEnergy),
                     lib->path() + " loaded, no GPU seen"});
    }
    for (unsigned i = 0; i < n; ++i) {
      const std::string name = "nvml gpu" + std::to_string(i);
      try {
        NvmlMeter m(lib, i);
        out.push_back({name, true, method_label(m.method()), m.description()});
      } catch (const std::exception& e) {
        out.push_back({name, false, method_label(EnergyMethod::kNvmlPower), e.what()});
      }
    }
  } else {
    out.push_back({"nvml", false, method_label(EnergyMethod::kNvmlEnergy), why});
  }
  const auto zones = readable_rapl(o.powercap_root, &why);
  if (zones.empty()) {
    out.push_back({"rapl", false, method_label(EnergyMethod::kRapl), why});
  } else {
    for (const RaplZone& z : zones) {
      out.push_back({"rapl " + z.name, true, method_label(EnergyMethod::kRapl), z.path});
    }
  }
  CpuEstimator est(o.estimator);
  out.push_back({"estimate", true, method_label(est.method()),
                 est.description() + "; used only when nothing is measurable"});
  return out;
}

void identify_cuda_gpu(MeterOptions* o) {
  if (!o->device.is_cuda() || o->gpu_index || o->gpu_id) return;
  std::string why;
  const auto id = identify_cuda_device(o->device.index, &why);
  if (!id) {
    o->gpu_id_unknown = why;
    return;
  }
  o->gpu_id = id->pci_bus_id;
  o->gpu_id_source = o->device.name() + " as this process's CUDA driver numbers it" +
                     (id->uuid.empty() ? "" : " (" + id->uuid + ")");
}

std::string nvidia_driver_version() {
  std::string why;
  auto lib = NvmlLibrary::open(&why);
  return lib ? lib->driver_version() : "";
}

std::vector<std::unique_ptr<PowerMeter>> open_meters(const MeterOptions& o) {
  std::vector<std::unique_ptr<PowerMeter>> meters;
  const Choice choice = parse_kind(o.kind);
  if (choice.estimate) {
    meters.push_back(std::make_unique<CpuEstimator>(o.estimator));
    return meters;
  }
  const bool automatic = !choice.nvml && !choice.rapl;
  const bool gpu_device = o.device.is_cuda();
  if (choice.nvml || (automatic && gpu_device)) {
    std::string why;
    auto lib = NvmlLibrary::open(&why);
    if (lib) {
      auto meter = std::make_unique<NvmlMeter>(lib, find_measured_gpu(*lib, o));
      meter->set_choice(gpu_rule(o));
      meters.push_back(std::move(meter));
    } else if (choice.nvml) {
      throw UsageError("meter 'nvml' unavailable: " + why);
    }
  }
  if (choice.rapl || automatic) {
    std::string why;
    const auto zones = readable_rapl(o.powercap_root, &why);
    if (zones.empty() && choice.rapl) throw UsageError("meter 'rapl' unavailable: " + why);
    for (const RaplZone& z : zones) meters.push_back(std::make_unique<RaplMeter>(z));
  }
  if (meters.empty()) meters.push_back(std::make_unique<CpuEstimator>(o.estimator));
  return meters;
}

}  // namespace gb
