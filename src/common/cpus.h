// usable_cpus: how many CPUs this process may keep busy, the default thread count of a session.
// The smallest of: the CPUs in its affinity mask (sched_getaffinity: taskset, cpusets, Slurm's
// binding), its cgroup v2 CPU quota (cpu.max "quota period", rounded up; a container limited to
// 1.5 CPUs gets 2), and SLURM_CPUS_PER_TASK when set. At least 1.
//
// The cgroup is found from /proc/self/cgroup under `cgroup_root` (/sys/fs/cgroup); tests pass a
// fake tree and a fake environment. Unreadable or malformed files mean "no limit from there".
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>

namespace gb {

// torch intra-op threads: no machine this runs on has more CPUs (OMP_NUM_THREADS, --threads and
// experiment files are held to it).
inline constexpr long long kMaxThreads = 4096;

struct CpuLimits {
  std::size_t affinity = 0;          // CPUs in the affinity mask; 0 when unknown
  std::optional<std::size_t> quota;  // ceil(quota / period) of cpu.max; none when "max"
  std::optional<std::size_t> slurm;  // SLURM_CPUS_PER_TASK
  std::size_t usable() const;        // the smallest known, at least 1
  std::string describe() const;      // "2 (affinity 4, cgroup quota 2)"
};

// `getenv` and the roots are seams for tests.
CpuLimits cpu_limits(const std::string& proc_self_cgroup = "/proc/self/cgroup",
                     const std::string& cgroup_root = "/sys/fs/cgroup",
                     const std::function<const char*(const char*)>& getenv = {});
std::size_t usable_cpus();

// The thread count a session uses when none is given: OMP_NUM_THREADS when it holds a positive
// count (the convention torch and OpenMP follow; tests pin it), else usable_cpus().
std::size_t default_threads();

}  // namespace gb
