// ServiceProfile: how long a batch of each size takes on one model and device, and how much energy
// it costs, as measured by `greenbatch profile`; everything the simulator and the profile-driven
// policies need. Stored as JSON (format "greenbatch-profile/1"). Torch-free and below both the
// real session (which builds profiles) and the simulator (which samples them). The protocol that
// measures a profile, and why each regime below is measured: docs/simulator.md.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "batching/batch_costs.h"
#include "common/time.h"
#include "energy/gpu_setting.h"

namespace gb {

// The largest batch size a profile may hold: the bound every batching policy's size has too.
inline constexpr std::size_t kMaxProfiledBatch = 65536;

struct ProfiledBatch {
  std::size_t size = 0;
  std::vector<double> service_s;  // every measured service time (preprocessing + inference)
  double service_mean_s = 0, service_p50_s = 0, service_p99_s = 0, service_max_s = 0;
  double energy_j = 0;   // gross energy of one batch (mean over windows)
  double dynamic_j = 0;  // gross minus idle power x the batch's time
  std::optional<double> dynamic_ci95_j;
  std::size_t windows = 0;  // energy windows measured
  std::size_t batches = 0;  // batches run in them
  // Isolated batches: each preceded and followed by an idle gap (the profile's isolation gap), as
  // when requests are sparse; what idleness adds to a batch's time and energy shows here. Empty
  // when not measured.
  std::vector<double> service_isolated_s;
  double service_isolated_mean_s = 0, service_isolated_max_s = 0;
  double dynamic_isolated_j = 0;
  std::size_t isolated_batches = 0;
  bool has_isolated() const { return isolated_batches > 0; }
  // Batches after a short idle gap (the profile's short gap, a few ms: a stream with slack between
  // batches). Service time only: the energy model interpolates between the two regimes above.
  // Measured because which of the two such a batch resembles depends on the model and the
  // machine. Empty when not measured (profiles before this field): such batches are drawn as back
  // to back.
  std::vector<double> service_short_gap_s;
  double service_short_gap_mean_s = 0, service_short_gap_max_s = 0;
  bool has_short_gap() const { return !service_short_gap_s.empty(); }
};

// Assembles one batch size's ProfiledBatch from measurements taken in several rounds (`greenbatch
// profile` interleaves the sizes so that each size's figures average over the whole session of a
// machine whose speed drifts).
class ProfiledBatchBuilder {
 public:
  explicit ProfiledBatchBuilder(std::size_t size) { b_.size = size; }
  // One energy window of back-to-back batches: each batch's service time, and the window's gross
  // energy and dynamic energy (gross minus idle power x its duration).
  void add_window(const std::vector<double>& service_s, double gross_j, double dynamic_j);
  // A run of isolated batches: each one's service time and their dynamic energy together.
  void add_isolated(const std::vector<double>& service_s, double dynamic_j);
  // Service times of batches that followed a short idle gap.
  void add_short_gap(const std::vector<double>& service_s);
  // Per-window means with their confidence interval, service-time statistics over all windows;
  // UsageError when no window was added.
  ProfiledBatch build() const;

 private:
  ProfiledBatch b_;
  std::vector<double> gross_per_batch_, dynamic_per_batch_;  // one entry per window
  double isolated_dynamic_j_ = 0;
};

struct ServiceProfile {
  std::string model, device, device_name, energy_method, energy_detail, images;
  double idle_power_w = 0;
  double isolation_gap_s = 0;  // idle gap around isolated batches (0: not measured)
  double short_gap_s = 0;      // idle gap before short-gap batches (0: not measured)
  int threads = 0;
  // The GPU's power limit and locked clocks it was measured under ("power_limit", "gpu_clocks" in
  // the file, written only when set): a profile predicts only that setting.
  GpuSetting gpu;
  std::string created_utc;
  nlohmann::ordered_json machine;
  std::vector<ProfiledBatch> batches;  // strictly increasing sizes

  // The table policies use: the larger of the back-to-back and isolated mean service times, the
  // longest service time measured either way, and the dynamic energy of an isolated batch where
  // measured (a policy that waits leaves the device idle between batches), else of a
  // back-to-back one.
  std::shared_ptr<const BatchCosts> costs() const;
  // Dynamic energy per batch, back to back and isolated (= back to back where not measured).
  std::shared_ptr<const BatchCosts> back_to_back_costs() const;
  std::shared_ptr<const BatchCosts> isolated_costs() const;
  // Service times after a short gap (= back to back where not measured), back-to-back energy.
  std::shared_ptr<const BatchCosts> short_gap_costs() const;
  // The model a run of batches is charged by (batch_costs.h): the three tables above, the
  // isolation gap and the idle power. The simulator charges it; costs() carries it to the
  // policies (the offline bound minimises it).
  std::shared_ptr<const BatchCostModel> cost_model() const;
  // All four tables throw OutOfRangeError on a service time outside 0 to kMaxDuration, which only
  // a profile built in memory can hold (from_json refuses such files).

  nlohmann::ordered_json to_json() const;
  // Every number is checked here, so that the simulator and the policies can use a loaded
  // profile as it is: service times and gaps in 0 to kMaxDuration, energies finite, idle power
  // in 0 to 1 MW, sizes integers in 1..kMaxProfiledBatch and increasing. A breach throws
  // UsageError naming `source` and the field ("batches[2].service_mean_s").
  static ServiceProfile from_json(const nlohmann::ordered_json& doc, const std::string& source);
  static ServiceProfile load(const std::string& path);  // UsageError with the reason
  void save(const std::string& path) const;             // atomically
};

// The batch costs of the profile at `path` for `model` (nullptr when `path` is empty); UsageError
// when the file cannot be loaded or profiles another model.
std::shared_ptr<const BatchCosts> load_costs(const std::string& path, const std::string& model);

}  // namespace gb
