// preflight: every check of a campaign's input that can fail, made before anything is written,
// so bad input is one line, exit 2, and nothing on disk (a sweep with a model file that is not
// TorchScript used to leave results.sqlite behind; a bad --weights left machine.json).
#pragma once

#include <cstdint>
#include <vector>

#include "results/experiment_file.h"

namespace gb {

// For every distinct model: it names a built-in, noop or an existing TorchScript file that loads
// (parse_model, then the loader, on the CPU); its --weights file fits. For the settings shared by
// the configurations: the device exists, the images folder holds images, the meters open.
// First of all, each run's memory fits the machine (check_run_memory with physical_memory_bytes).
// Last, the GPU settings (check_gpu_settings). Throws UsageError naming the problem.
void preflight(const std::vector<Configuration>& configs);

// Every distinct GPU setting (power limit, locked clocks) of `configs` can be applied to the GPU
// `meters` measure, by this process, now (energy/gpu_control.h, GpuControl::check): the driver has
// the calls, the values lie in the GPU's ranges, root, no other live holder. UsageError otherwise.
void check_gpu_settings(const std::vector<Configuration>& configs, const MeterOptions& meters);

// The part of preflight() that holds on any machine: every schedule is drawn once, as the runs
// will draw it, so that a trace shorter than the requests, or random gaps that overshoot 30 days,
// fail at once and not hours into a sweep. For `greenbatch slurm submit`, whose login node has
// neither the devices nor the meters of the nodes that run the shards.
void check_schedules(const std::vector<Configuration>& configs);

// What one run holds in memory: its schedule, timestamps and trace, about 47 bytes per request
// (measured on a 10 M-request noop run; counted as 48), plus about 160 MB for the process, the
// model and the images. Runs happen one after another, so a campaign needs its largest run's.
inline constexpr std::uint64_t kRunBaseBytes = 160ULL << 20;
inline constexpr std::uint64_t kBytesPerRequest = 48;
std::uint64_t run_memory_bytes(const RunSpec& spec);

// UsageError, one line, when a configuration's run_memory_bytes exceeds `limit_bytes`: it names
// the configuration, its requests, the estimate, the limit and how many requests would fit.
void check_run_memory(const std::vector<Configuration>& configs, std::uint64_t limit_bytes);

// The machine's physical memory (sysconf), or 0 when unknown (then nothing is refused).
std::uint64_t physical_memory_bytes();

}  // namespace gb
