#include "energy/gpu_state.h"

#include <signal.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>

#include "common/errors.h"
#include "common/files.h"
#include "energy/gpu_setting.h"

namespace gb {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr long kMaxPid = 4194304;  // PID_MAX_LIMIT on 64-bit Linux
constexpr std::size_t kMaxDepth = 4;

[[noreturn]] void bad(const std::string& path, const std::string& why) {
  throw UsageError("GPU state file '" + path + "': " + why +
                   "; it records GPU power limits and clocks greenbatch changed: fix it, or "
                   "delete it after checking the GPUs (nvidia-smi -q -d POWER,CLOCK)");
}

bool safe_name(const std::string& s, std::size_t max, const char* extra) {
  if (s.empty() || s.size() > max) return false;
  for (char c : s) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && !std::strchr(extra, c)) return false;
  }
  return true;
}

// The start time of process `pid` (field 22 of /proc/PID/stat), 0 when unreadable.
unsigned long long start_ticks_of(long pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // The command name (field 2) may hold spaces and parentheses: count from the last ')'.
  const auto close = stat.rfind(')');
  if (close == std::string::npos) return 0;
  std::size_t pos = close + 1;
  for (int field = 3; field < 22 && pos != std::string::npos; ++field) {
    pos = stat.find(' ', pos + 1);
  }
  return pos == std::string::npos ? 0 : std::strtoull(stat.c_str() + pos + 1, nullptr, 10);
}

GpuStateEntry entry_from(const json& j, const std::string& path, std::size_t i) {
  const std::string where = "entry " + std::to_string(i + 1);
  if (!j.is_object()) bad(path, where + " is not an object");
  const auto field = [&](const char* key) -> const json& {
    const auto it = j.find(key);
    if (it == j.end()) bad(path, where + " lacks '" + key + "'");
    return *it;
  };
  GpuStateEntry e;
  const json& uuid = field("uuid");
  if (!uuid.is_string() || !safe_name(uuid.get<std::string>(), 96, "-") ||
      uuid.get<std::string>().rfind("GPU-", 0) != 0) {
    bad(path, where + ": 'uuid' is not a GPU UUID (GPU-...)");
  }
  e.uuid = uuid.get<std::string>();
  const json& host = field("host");
  if (!host.is_string() || !safe_name(host.get<std::string>(), 255, ".-_")) {
    bad(path, where + ": 'host' is not a host name");
  }
  e.host = host.get<std::string>();
  const json& pid = field("pid");
  if (!pid.is_number_integer() || pid.get<long long>() < 1 || pid.get<long long>() > kMaxPid) {
    bad(path, where + ": 'pid' is not a process id (1 to " + std::to_string(kMaxPid) + ")");
  }
  e.pid = static_cast<long>(pid.get<long long>());
  const json& ticks = field("start_ticks");
  if (!ticks.is_number_unsigned() && !(ticks.is_number_integer() && ticks.get<long long>() >= 0)) {
    bad(path, where + ": 'start_ticks' is not a non-negative integer");
  }
  e.start_ticks = ticks.get<unsigned long long>();
  const json& limit = field("original_limit_mw");
  if (!limit.is_null()) {
    const double max_mw = kMaxGpuPowerW * 1000;
    if (!limit.is_number_integer() || limit.get<long long>() < 1 ||
        limit.get<long long>() > static_cast<long long>(max_mw)) {
      bad(path, where + ": 'original_limit_mw' is out of range (1 to " +
                    std::to_string(static_cast<long long>(max_mw)) + " mW, or null)");
    }
    e.original_limit_mw = static_cast<unsigned>(limit.get<long long>());
  }
  const json& clocks = field("clocks_locked");
  if (!clocks.is_boolean()) bad(path, where + ": 'clocks_locked' is not true or false");
  e.clocks_locked = clocks.get<bool>();
  const json& since = field("since");
  if (!since.is_string() || !safe_name(since.get<std::string>(), 64, "-:TZ.")) {
    bad(path, where + ": 'since' is not a UTC time");
  }
  e.since_utc = since.get<std::string>();
  return e;
}

// The host name as entries spell it: characters a reader accepts only.
std::string this_host() {
  std::string h = host_name();
  for (char& c : h) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && !std::strchr(".-_", c)) c = '_';
  }
  return h.empty() ? "_" : h.substr(0, 255);
}

std::mutex& process_mutex() {
  static std::mutex m;
  return m;
}

}  // namespace

std::string gpu_state_path() {
  if (const char* p = std::getenv(kGpuStateEnv); p && *p) return p;
  if (::geteuid() == 0) return "/var/lib/greenbatch/gpu-state.json";
  if (const char* x = std::getenv("XDG_STATE_HOME"); x && *x) {
    return std::string(x) + "/greenbatch/gpu-state.json";
  }
  const char* home = std::getenv("HOME");
  return std::string(home && *home ? home : "/tmp") + "/.local/state/greenbatch/gpu-state.json";
}

std::vector<GpuStateEntry> read_gpu_state(const std::string& path) {
  std::error_code ec;
  if (!fs::exists(fs::symlink_status(path, ec))) return {};
  std::string text;
  try {
    text = read_bounded_file(path, kMaxGpuStateBytes);
    check_json_depth(text, kMaxDepth, "it");
  } catch (const UsageError& e) {
    bad(path, e.what());
  }
  json doc;
  try {
    doc = json::parse(text);
  } catch (const json::exception& e) {
    bad(path, std::string("not JSON (") + e.what() + ")");
  }
  if (!doc.is_object() || doc.value("format", "") != kGpuStateFormat) {
    bad(path, std::string("not a ") + kGpuStateFormat + " document");
  }
  const auto gpus = doc.find("gpus");
  if (gpus == doc.end() || !gpus->is_array()) bad(path, "'gpus' is not a list");
  if (gpus->size() > kMaxGpuStateEntries) {
    bad(path, "more than " + std::to_string(kMaxGpuStateEntries) + " entries");
  }
  std::vector<GpuStateEntry> out;
  for (std::size_t i = 0; i < gpus->size(); ++i) {
    out.push_back(entry_from((*gpus)[i], path, i));
    for (std::size_t k = 0; k < i; ++k) {
      if (out[k].uuid == out[i].uuid) bad(path, "GPU " + out[i].uuid + " has two entries");
    }
  }
  return out;
}

void update_gpu_state(const std::string& path,
                      const std::function<void(std::vector<GpuStateEntry>&)>& change) {
  std::lock_guard<std::mutex> in_process(process_mutex());
  const fs::path file(path);
  std::error_code ec;
  if (file.has_parent_path()) fs::create_directories(file.parent_path(), ec);
  const int lock = lock_for_writing(path + ".lock", path, LockHint::kNone, true);
  try {
    std::vector<GpuStateEntry> entries = read_gpu_state(path);
    change(entries);
    if (entries.size() > kMaxGpuStateEntries) bad(path, "too many GPUs held");
    if (entries.empty()) {
      fs::remove(file, ec);
    } else {
      json doc = {{"format", kGpuStateFormat}, {"gpus", json::array()}};
      for (const GpuStateEntry& e : entries) {
        doc["gpus"].push_back(
            {{"uuid", e.uuid},
             {"host", e.host},
             {"pid", e.pid},
             {"start_ticks", e.start_ticks},
             {"original_limit_mw", e.original_limit_mw ? json(*e.original_limit_mw) : json()},
             {"clocks_locked", e.clocks_locked},
             {"since", e.since_utc}});
      }
      write_file_atomically(path, doc.dump(2) + "\n", AtomicWrite{false, true});
    }
  } catch (...) {
    release_writing_lock(lock);
    throw;
  }
  release_writing_lock(lock);
}

GpuHolder holder_of(const GpuStateEntry& e) {
  if (e.host != this_host()) return GpuHolder::kOtherHost;
  const bool exists = ::kill(static_cast<pid_t>(e.pid), 0) == 0 || errno == EPERM;
  if (!exists) return GpuHolder::kGone;
  const unsigned long long ticks = start_ticks_of(e.pid);
  if (e.start_ticks != 0 && ticks != 0 && ticks != e.start_ticks) return GpuHolder::kGone;
  return e.pid == ::getpid() ? GpuHolder::kThisProcess : GpuHolder::kAlive;
}

std::string describe_holder(const GpuStateEntry& e) {
  return "pid " + std::to_string(e.pid) + " on host " + e.host + " (since " + e.since_utc + ")";
}

GpuStateEntry entry_of_this_process(const std::string& uuid) {
  GpuStateEntry e;
  e.uuid = uuid;
  e.host = this_host();
  e.pid = ::getpid();
  e.start_ticks = start_ticks_of(e.pid);
  e.since_utc = utc_now();
  return e;
}

}  // namespace gb
