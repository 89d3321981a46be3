#include "experiment/preflight.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>
#include <set>
#include <string>

#include "common/errors.h"
#include "energy/gpu_control.h"
#include "energy/meters.h"
#include "experiment/load_session.h"
#include "experiment/session.h"
#include "inference/image_set.h"
#include "inference/model_executor.h"
#include "inference/prepare.h"
#include "models/classifier.h"
#include "models/model_info.h"
#include "results/levers.h"
#include "serving/server_url.h"
#include "workload/arrivals.h"

namespace gb {
namespace {

// A server that says its policy (greenbatch serve) must be named by it: a record that names
// another would be wrong.
void check_served_policies(const std::vector<Configuration>& configs) {
  std::set<std::string> checked;
  for (const Configuration& c : configs) {
    if (!checked.insert(c.spec.model.name).second) continue;
    const std::string policy = served_policy(c.spec.target, c.spec.model.name);
    if (!policy.empty() && policy != c.spec.policy.canonical()) {
      throw UsageError(c.spec.target + " says it batches '" + c.spec.model.name + "' with " +
                       policy + ", not " + c.spec.policy.canonical() + ": name " + policy +
                       " (or, with greenbatch load, no --policy)");
    }
  }
}

// A server elsewhere runs its own engine, precision, threads and GPU: a lever set here would be
// recorded with the results but never applied.
void check_no_levers(const std::vector<Configuration>& configs) {
  for (const Configuration& c : configs) {
    const std::string levers = describe_levers(c.spec);
    if (levers.empty()) continue;
    throw UsageError(c.spec.target +
                     " is a server of its own, which runs its own engine, "
                     "precision, threads and GPU setting: " +
                     levers +
                     " would be recorded but not applied; leave them out, or use target = "
                     "\"serve\", whose server greenbatch starts with them");
  }
}

std::string gigabytes(std::uint64_t bytes) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f GB", static_cast<double>(bytes) / 1e9);
  return buf;
}

}  // namespace

std::uint64_t run_memory_bytes(const RunSpec& spec) {
  const std::uint64_t requests = spec.requests;
  // Saturates rather than wraps for any count a size_t can hold.
  if (requests > (UINT64_MAX - kRunBaseBytes) / kBytesPerRequest) return UINT64_MAX;
  return kRunBaseBytes + requests * kBytesPerRequest;
}

void check_run_memory(const std::vector<Configuration>& configs, std::uint64_t limit_bytes) {
  for (const Configuration& c : configs) {
    const std::uint64_t need = run_memory_bytes(c.spec);
    if (need <= limit_bytes) continue;
    const std::uint64_t fit =
        limit_bytes > kRunBaseBytes ? (limit_bytes - kRunBaseBytes) / kBytesPerRequest : 0;
    throw UsageError("configuration " + std::to_string(c.index + 1) + ": " +
                     std::to_string(c.spec.requests) + " requests need about " + gigabytes(need) +
                     " of memory, more than the limit of " + gigabytes(limit_bytes) +
                     " (this machine's memory); at most " + std::to_string(fit) + " requests fit");
  }
}

std::uint64_t physical_memory_bytes() {
  const long pages = ::sysconf(_SC_PHYS_PAGES);
  const long page = ::sysconf(_SC_PAGESIZE);
  if (pages <= 0 || page <= 0) return 0;
  return static_cast<std::uint64_t>(pages) * static_cast<std::uint64_t>(page);
}

void check_schedules(const std::vector<Configuration>& configs) {
  std::set<std::string> schedules;
  for (const Configuration& c : configs) {
    const RunSettings& r = c.spec.settings();
    if (schedules
            .insert(
                fmt::format("{}|{:.17g}|{}|{}", r.arrival.name(), r.rate_hz, r.requests, r.seed))
            .second) {
      generate_schedule(r.arrival, r.requests, r.seed);
    }
  }
}

void preflight(const std::vector<Configuration>& configs) {
  if (configs.empty()) return;
  if (const std::uint64_t memory = physical_memory_bytes()) check_run_memory(configs, memory);
  check_schedules(configs);
  std::set<std::string> checked;
  bool any_model = false;
  const RunSpec& first = configs.front().spec;
  // A server elsewhere loads its own model; this machine only checks what it sends and measures.
  const bool remote = !first.target.empty() && first.target != "serve";
  std::string why;
  const bool measured_here = !remote || is_this_machine(ServerUrl::parse(first.target).host, &why);
  if (remote) {
    check_no_levers(configs);
    check_served_policies(configs);
  }
  for (const Configuration& c : configs) {
    if (remote) break;
    if (!checked.insert(c.spec.model.name + "|" + c.spec.weights).second) continue;
    // The grid classified the model; whether its file exists is a fact about this machine.
    const ModelRef ref = parse_model(c.spec.model.name);
    if (ref.is_noop()) continue;
    any_model = true;
    // Loading on the CPU catches a file that is not TorchScript and weights that do not fit,
    // at a cost of seconds; the session loads it again on its device.
    if (ref.is_file() || !c.spec.weights.empty()) {
      auto model = make_classifier(ref, c.spec.model_seed);
      if (!c.spec.weights.empty()) load_weights(*model, c.spec.weights);
    }
  }
  const RunSpec& b = first;
  if (remote && !b.images.empty()) ImageSet::from_folder(b.images);
  if (any_model) {
    torch_device(b.device);
    if (!b.images.empty()) ImageSet::from_folder(b.images);
  }
  // Each precision asked for, where it will run: refused here, before anything is written.
  std::set<std::string> precisions;
  for (const Configuration& c : configs) {
    if (remote) break;
    if (c.spec.model.is_noop() ||
        !precisions
             .insert(c.spec.device.text + "|" + std::string(precision_label(c.spec.precision)))
             .second) {
      continue;
    }
    check_precision(c.spec.precision, torch_device(c.spec.device));
  }
  if (!measured_here) return;
  const MeterOptions meters = meter_options(b);
  open_meters(meters);
  check_gpu_settings(configs, meters);
}

void check_gpu_settings(const std::vector<Configuration>& configs, const MeterOptions& meters) {
  std::set<GpuSetting> settings;
  GpuSetting needs;
  for (const Configuration& c : configs) {
    if (c.spec.gpu.empty()) continue;
    settings.insert(c.spec.gpu);
    if (c.spec.gpu.power_limit_mw) needs.power_limit_mw = c.spec.gpu.power_limit_mw;
    if (c.spec.gpu.clocks_mhz) needs.clocks_mhz = c.spec.gpu.clocks_mhz;
  }
  if (settings.empty()) return;
  const auto control = GpuControl::open(meters, needs);
  for (const GpuSetting& s : settings) control->check(s);
}

}  // namespace gb
