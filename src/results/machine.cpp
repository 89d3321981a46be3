#include "results/machine.h"

#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <thread>

#include "common/version.h"
#include "energy/meters.h"

namespace gb {
namespace {

std::string cpu_model() {
  std::ifstream in("/proc/cpuinfo");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("model name", 0) == 0) {
      const auto colon = line.find(':');
      if (colon != std::string::npos) return line.substr(line.find_first_not_of(" \t", colon + 1));
    }
  }
  return "unknown";
}

double memory_gib() {
  const long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGE_SIZE);
  return pages > 0 && page > 0 ? static_cast<double>(pages) * page / (1024.0 * 1024 * 1024) : 0;
}

}  // namespace

nlohmann::ordered_json describe_machine(const std::string& powercap_root) {
  nlohmann::ordered_json m;
  utsname u{};
  uname(&u);
  m["hostname"] = u.nodename;
  m["cpu"] = cpu_model();
  m["logical_cpus"] = std::thread::hardware_concurrency();
  m["memory_gib"] = static_cast<double>(static_cast<int>(memory_gib() * 10)) / 10;
  m["kernel"] = std::string(u.sysname) + " " + u.release;
  m["greenbatch"] = kVersion;
  MeterOptions o;
  o.powercap_root = powercap_root;
  nlohmann::ordered_json gpus = nlohmann::ordered_json::array();
  nlohmann::ordered_json meters = nlohmann::ordered_json::array();
  for (const MeterStatus& s : probe_meters(o)) {
    if (s.name.rfind("nvml gpu", 0) == 0 && s.available) gpus.push_back(s.detail);
    meters.push_back({{"meter", s.name}, {"available", s.available}, {"detail", s.detail}});
  }
  m["gpus"] = gpus;
  const std::string driver = nvidia_driver_version();
  m["nvidia_driver"] =
      driver.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(driver);
  m["meters"] = meters;
  return m;
}

bool add_unique_machine(nlohmann::ordered_json& list, const nlohmann::ordered_json& machine) {
  if (std::find(list.begin(), list.end(), machine) != list.end()) return false;
  list.push_back(machine);
  return true;
}

std::string hardware_of(const nlohmann::ordered_json& machine) {
  const auto text = [](const nlohmann::ordered_json& v) {
    return v.is_string() ? v.get<std::string>() : std::string("unknown");
  };
  const bool object = machine.is_object();
  std::string out =
      "CPU '" + (object && machine.contains("cpu") ? text(machine["cpu"]) : "unknown") + "'";
  const nlohmann::ordered_json* gpus =
      object && machine.contains("gpus") ? &machine["gpus"] : nullptr;
  if (!gpus || !gpus->is_array()) return out + ", GPUs unknown";
  if (gpus->empty()) return out + ", no GPU";
  std::set<std::string> models;
  for (const auto& g : *gpus) {
    const std::string name = text(g);
    models.insert(name.substr(0, name.find(", ")));
  }
  std::string sep = ", GPU ";
  for (const std::string& m : models) {
    out += sep + "'" + m + "'";
    sep = ", ";
  }
  return out;
}

}  // namespace gb
