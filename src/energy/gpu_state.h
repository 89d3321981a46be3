// The GPU state file: the record of every GPU setting (power limit, locked clocks) greenbatch has
// changed and not yet put back, so that a greenbatch killed in between (SIGKILL, a crash, a lost
// node) leaves enough for the next start to restore it (docs/energy.md, "GPU power limit and
// clocks"). One entry per GPU, keyed by its UUID, naming the process that holds it.
//
// Where: GB_GPU_STATE (a file path) when set; else, for root (who alone may change these
// settings on a stock driver), /var/lib/greenbatch/gpu-state.json, one record for the machine
// whatever HOME sudo leaves; else $XDG_STATE_HOME/greenbatch/gpu-state.json, by default under
// ~/.local/state.
//
// Contract:
// - The file is hostile input when read: at most kMaxGpuStateBytes, nesting bounded, at most
//   kMaxGpuStateEntries entries, every field type- and range-checked (UUIDs and host names of
//   safe characters only, pids in 1..4194304, limits in 1 mW..kMaxGpuPowerW). Anything else is a
//   UsageError naming the file, the entry and the field, and how to recover.
// - update_gpu_state() is the only writer: an exclusive flock on PATH.lock (waiting for another
//   process's update, which takes milliseconds), read, the caller's change, then an atomic,
//   fsynced rewrite (the file is removed when no entry is left). A crash at any point leaves the
//   old file or the new one. Serialised within the process too.
// - An entry's holder is this process, another live process of this host, a process of this host
//   that is gone (no such pid, or the pid now belongs to a process started later: its start time
//   differs), or a process of another host (a state file on a shared home folder), which this
//   host cannot judge and never touches.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace gb {

inline constexpr char kGpuStateEnv[] = "GB_GPU_STATE";
inline constexpr std::size_t kMaxGpuStateBytes = 64 * 1024;
inline constexpr std::size_t kMaxGpuStateEntries = 64;
inline constexpr char kGpuStateFormat[] = "greenbatch-gpu-state/1";

struct GpuStateEntry {
  std::string uuid;  // "GPU-...": the key
  std::string host;  // the holder's host name
  long pid = 0;
  // The holder's start time in clock ticks since boot (/proc/PID/stat), which tells a reused pid
  // from its holder; 0: unknown.
  unsigned long long start_ticks = 0;
  std::optional<unsigned> original_limit_mw;  // set when the power limit was changed
  bool clocks_locked = false;                 // restoring locked clocks means resetting them
  std::string since_utc;
};

std::string gpu_state_path();

// The entries of the file at `path`; none when it does not exist. UsageError as above.
std::vector<GpuStateEntry> read_gpu_state(const std::string& path);

// See the contract. `change` may throw, and then nothing is written.
void update_gpu_state(const std::string& path,
                      const std::function<void(std::vector<GpuStateEntry>&)>& change);

enum class GpuHolder { kThisProcess, kAlive, kGone, kOtherHost };
GpuHolder holder_of(const GpuStateEntry& entry);
// "pid 4242 on host gpu7 (since 2026-...)", for messages.
std::string describe_holder(const GpuStateEntry& entry);

// An entry for `uuid` held by this process, stamped now.
GpuStateEntry entry_of_this_process(const std::string& uuid);

}  // namespace gb
