#include "energy/rapl_meter.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "common/errors.h"
#include "common/time.h"

namespace gb {
namespace fs = std::filesystem;
namespace {

std::string read_line(const fs::path& p) {
  std::ifstream in(p);
  std::string s;
  std::getline(in, s);
  return s;
}

// Reads a counter file; on failure says why, with the permission case spelled out.
bool read_counter(const fs::path& p, uint64_t& out, std::string* why) {
  std::ifstream in(p);
  if (!in) {
    const int err = errno;
    if (why) {
      *why = p.string() + ": " + std::strerror(err);
      if (err == EACCES || err == EPERM) {
        *why +=
            " (energy_uj is readable by root only since Linux 5.10, CVE-2020-8694: run as root, "
            "or grant read access, e.g. chmod o+r)";
      }
    }
    return false;
  }
  if (!(in >> out)) {
    if (why) *why = p.string() + ": not a number";
    return false;
  }
  return true;
}

int64_t now_ns() { return SteadyClock::now().time_since_epoch().count(); }

}  // namespace

std::vector<RaplZone> find_rapl_zones(const std::string& root) {
  std::vector<RaplZone> zones;
  std::error_code ec;
  if (!fs::is_directory(root, ec)) return zones;
  std::vector<fs::path> dirs;
  for (const auto& e : fs::directory_iterator(root, ec)) dirs.push_back(e.path());
  std::sort(dirs.begin(), dirs.end());
  for (const fs::path& d : dirs) {
    const std::string leaf = d.filename().string();
    if (leaf.rfind("intel-rapl:", 0) != 0) continue;
    const std::string name = read_line(d / "name");
    const bool sub_zone = leaf.find(':', 11) != std::string::npos;
    if (!sub_zone && name == "psys") {
      zones.push_back({d.string(), std::string(kPlatformDomain)});
    } else if (!sub_zone || name == "dram") {
      zones.push_back({d.string(), name.empty() ? leaf : name});
    }
  }
  return zones;
}

std::string rapl_unreadable_reason(const RaplZone& zone) {
  uint64_t v = 0;
  std::string why;
  if (!read_counter(fs::path(zone.path) / "energy_uj", v, &why)) return why;
  if (!read_counter(fs::path(zone.path) / "max_energy_range_uj", v, &why)) return why;
  return "";
}

RaplMeter::RaplMeter(RaplZone zone) : zone_(std::move(zone)) {
  std::string why;
  if (!read_counter(fs::path(zone_.path) / "max_energy_range_uj", max_range_uj_, &why) ||
      !read_counter(fs::path(zone_.path) / "energy_uj", last_uj_, &why)) {
    throw UsageError("RAPL zone " + zone_.name + " cannot be read: " + why);
  }
  power_t_ns_ = now_ns();
}

void RaplMeter::update() {
  uint64_t now_uj = 0;
  std::string why;
  if (!read_counter(fs::path(zone_.path) / "energy_uj", now_uj, &why)) {
    throw RunError("RAPL zone " + zone_.name + " stopped being readable: " + why);
  }
  const uint64_t delta = now_uj >= last_uj_ ? now_uj - last_uj_ : now_uj + max_range_uj_ - last_uj_;
  total_j_ += static_cast<double>(delta) * 1e-6;
  last_uj_ = now_uj;
}

double RaplMeter::sample_power_w() {
  update();
  const int64_t t = now_ns();
  const double dt = static_cast<double>(t - power_t_ns_) * 1e-9;
  const double watts = dt > 0 ? (total_j_ - power_total_j_) / dt : 0;
  power_t_ns_ = t;
  power_total_j_ = total_j_;
  return watts;
}

std::optional<double> RaplMeter::energy_j() {
  update();
  return total_j_;
}

}  // namespace gb
