// What machine the figures come from: CPU, memory, kernel, GPUs with their power limits, the
// NVIDIA driver, and which energy meters were usable. Written next to every result (machine.json
// in a run folder, the "machine" entry of a sweep store's meta table) and shown by the report.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace gb {

nlohmann::ordered_json describe_machine(const std::string& powercap_root = "/sys/class/powercap");

}  // namespace gb
