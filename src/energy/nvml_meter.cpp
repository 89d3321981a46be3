#include "energy/nvml_meter.h"

#include <fmt/format.h>

#include "common/errors.h"

namespace gb {
namespace {

double field_as_double(const nvml::FieldValue& f) {
  switch (f.value_type) {
    case nvml::kDouble:
      return f.value.d;
    case nvml::kUnsigned:
      return f.value.u;
    case nvml::kUnsignedLong:
      return static_cast<double>(f.value.ul);
    case nvml::kUnsignedLongLong:
      return static_cast<double>(f.value.ull);
    case nvml::kSignedLongLong:
      return static_cast<double>(f.value.sll);
    case nvml::kSignedInt:
      return f.value.si;
    default:
      return f.value.u;
  }
}

}  // namespace

unsigned nvml_device_count(NvmlLibrary& lib) {
  unsigned n = 0;
  return lib.get_count(&n) == nvml::kSuccess ? n : 0;
}

NvmlMeter::NvmlMeter(std::shared_ptr<NvmlLibrary> lib, unsigned index)
    : lib_(std::move(lib)), index_(index) {
  const unsigned count = nvml_device_count(*lib_);
  if (index_ >= count) {
    throw UsageError(fmt::format("GPU index {} out of range: NVML sees {} GPU(s)", index_, count));
  }
  nvml::Return ret = lib_->get_handle_by_index(index_, &device_);
  if (ret != nvml::kSuccess) {
    throw UsageError(fmt::format("NVML cannot open GPU {}: {}", index_, lib_->error_string(ret)));
  }
  char name[nvml::kNameBufferSize] = {};
  if (lib_->get_name(device_, name, sizeof name) == nvml::kSuccess) name_ = name;
  if (name_.empty()) name_ = "GPU " + std::to_string(index_);

  unsigned limit_mw = 0;
  if (lib_->get_enforced_power_limit &&
      lib_->get_enforced_power_limit(device_, &limit_mw) == nvml::kSuccess) {
    power_limit_w_ = limit_mw / 1000.0;
  }
  if (lib_->get_total_energy) {
    ret = lib_->get_total_energy(device_, &counter_origin_mj_);
    if (ret == nvml::kSuccess) {
      has_counter_ = true;
    } else if (ret != nvml::kErrorNotSupported) {
      throw UsageError(fmt::format("NVML energy counter of GPU {} ({}): {}", index_, name_,
                                   lib_->error_string(ret)));
    }
  }
  double mw = 0;
  has_instant_field_ = lib_->get_field_values && read_instant_power(&mw) == nvml::kSuccess;
  if (!has_instant_field_) {
    unsigned usage = 0;
    ret = lib_->get_power_usage(device_, &usage);
    if (ret != nvml::kSuccess) {
      throw UsageError(fmt::format("GPU {} ({}) reports no power through NVML: {}", index_, name_,
                                   lib_->error_string(ret)));
    }
  }
}

std::string NvmlMeter::description() const {
  std::string d = name_;
  if (power_limit_w_) d += fmt::format(", enforced power limit {:.0f} W", *power_limit_w_);
  d += has_counter_ ? ", energy: total-energy counter" : ", energy: integrated power samples";
  d += has_instant_field_ ? "; power: field 186 (instant)"
                          : "; power: nvmlDeviceGetPowerUsage (1 s average on Ampere and newer)";
  return d;
}

void NvmlMeter::fail(const char* what, nvml::Return ret) const {
  if (ret == nvml::kErrorGpuIsLost) {
    throw RunError(fmt::format("GPU {} ({}) was lost: {}", index_, name_, lib_->error_string(ret)));
  }
  throw RunError(fmt::format("NVML {} failed on GPU {} ({}): {}", what, index_, name_,
                             lib_->error_string(ret)));
}

nvml::Return NvmlMeter::read_instant_power(double* milliwatts) {
  nvml::FieldValue field{};
  field.field_id = nvml::kFieldPowerInstant;
  field.scope_id = 0;
  const nvml::Return ret = lib_->get_field_values(device_, 1, &field);
  if (ret != nvml::kSuccess) return ret;
  if (field.nvml_return != nvml::kSuccess) return field.nvml_return;
  *milliwatts = field_as_double(field);
  return nvml::kSuccess;
}

double NvmlMeter::sample_power_w() {
  if (has_instant_field_) {
    double mw = 0;
    const nvml::Return ret = read_instant_power(&mw);
    if (ret != nvml::kSuccess) fail("field 186 (instant power)", ret);
    return mw / 1000.0;
  }
  unsigned mw = 0;
  const nvml::Return ret = lib_->get_power_usage(device_, &mw);
  if (ret != nvml::kSuccess) fail("nvmlDeviceGetPowerUsage", ret);
  return mw / 1000.0;
}

std::optional<double> NvmlMeter::energy_j() {
  if (!has_counter_) return std::nullopt;
  unsigned long long mj = 0;
  const nvml::Return ret = lib_->get_total_energy(device_, &mj);
  if (ret != nvml::kSuccess) fail("nvmlDeviceGetTotalEnergyConsumption", ret);
  return static_cast<double>(mj - counter_origin_mj_) / 1000.0;
}

}  // namespace gb
