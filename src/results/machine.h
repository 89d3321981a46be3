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

// The hardware a description names, as one line: "CPU 'X', GPU 'A', 'B'" ("..., no GPU"): the
// CPU model and each distinct GPU model, sorted (a GPU's text before its first ", ": the power
// limit and meter details are left out, and so is how many GPUs the node let NVML see, which
// depends on the job's allocation). Hostname, kernel, memory and versions are left out too: two
// nodes of one type measure the same hardware, and results from them are comparable. A
// description read from a file (a store's) may lack a field or hold another type: that part reads
// as "unknown".
std::string hardware_of(const nlohmann::ordered_json& machine);

}  // namespace gb
