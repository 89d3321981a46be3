// What machine the figures come from: CPU, memory, kernel, GPUs with their power limits, the
// NVIDIA driver, and which energy meters were usable. Written next to every result (machine.json
// in a run folder, the "machine" entry of a sweep store's meta table) and shown by the report.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace gb {

nlohmann::ordered_json describe_machine(const std::string& powercap_root = "/sys/class/powercap");

// Appends `machine` to `list` (a JSON array) unless an equal description is already in it; true if
// it was appended. The one rule by which run folders, stores and reports keep each machine once.
bool add_unique_machine(nlohmann::ordered_json& list, const nlohmann::ordered_json& machine);

}  // namespace gb
