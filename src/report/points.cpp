#include "report/points.h"

#include <fmt/format.h>

#include <cmath>
#include <set>

#include "common/control_chars.h"
#include "common/errors.h"
#include "results/levers.h"
#include "results/summary.h"

namespace gb {
namespace {

// Every column is named through results/summary.h's `columns`, never spelled here.
std::optional<double> opt(const nlohmann::ordered_json& row, const std::string& key) {
  auto it = row.find(key);
  if (it == row.end() || !it->is_number()) return std::nullopt;
  return it->get<double>();
}

double num(const nlohmann::ordered_json& row, const std::string& key) {
  return opt(row, key).value_or(0);
}

// Text from a results file, without control characters: it reaches the terminal as well as the
// page and the figures (which escape it again for their own syntax).
std::string text(const nlohmann::ordered_json& row, const std::string& key) {
  auto it = row.find(key);
  return it != row.end() && it->is_string() ? drop_controls(it->get<std::string>()) : "";
}

}  // namespace

std::string energy_methods(const std::vector<ConfigPoint>& points) {
  std::set<std::string> methods;
  for (const ConfigPoint& p : points) methods.insert(p.energy_method);
  std::string out;
  for (const std::string& m : methods) out += (out.empty() ? "" : ", ") + m;
  return out;
}

std::string rate_label(const std::optional<double>& rate_hz) {
  return rate_hz ? fmt::format("{:g}/s", *rate_hz) : std::string("offline");
}

std::string ConfigPoint::rate_label() const { return gb::rate_label(rate_hz); }

std::vector<ConfigPoint> points_from_rows(const std::vector<nlohmann::ordered_json>& rows) {
  std::vector<ConfigPoint> out;
  for (const auto& r : rows) {
    namespace c = columns;
    // A load of a server on another machine measured no energy (null): it has no place among
    // points that compare energy, and 0 J would read as the cheapest.
    if (!opt(r, c::kEnergyPerImage)) continue;
    ConfigPoint p;
    p.model = text(r, c::kModel);
    p.device = text(r, c::kDevice);
    p.arrival = text(r, c::kArrival);
    p.rate_hz = opt(r, c::kRateHz);
    p.policy = text(r, c::kPolicy);
    p.policy_spec = policy_of_row(p.policy);
    p.mean_batch_size = num(r, c::kMeanBatchSize);
    p.energy_per_image_j = num(r, c::kEnergyPerImage);
    p.energy_ci95 = opt(r, c::ci95(c::kEnergyPerImage));
    p.max_response_s = num(r, c::kMaxResponse);
    p.max_ci95 = opt(r, c::ci95(c::kMaxResponse));
    p.p99_response_s = num(r, c::kP99Response);
    p.p99_ci95 = opt(r, c::ci95(c::kP99Response));
    p.average_power_w = num(r, c::kAveragePower);
    p.peak_power_w = opt(r, c::kAveragePeakPower);
    p.energy_method = text(r, c::kEnergyMethod);
    p.repetitions = static_cast<std::size_t>(num(r, c::kRepetitions));
    if (p.repetitions == 0) p.repetitions = 1;
    // Numbers from a file: only counts and seeds a simulation can use are kept.
    const double requests = num(r, c::kRequests);
    if (requests >= 1 && requests <= 1e12) p.requests = static_cast<std::size_t>(requests);
    if (auto seed = opt(r, c::kSeed); seed && *seed >= 0 && *seed <= 9007199254740992.0 &&
                                      *seed == static_cast<double>(static_cast<uint64_t>(*seed))) {
      p.seed = static_cast<uint64_t>(*seed);
    }
    p.max_queue_wait_s = opt(r, c::kMaxQueueWait);
    auto sim = r.find(c::kSimulated);
    p.simulated = sim != r.end() && sim->is_boolean() && sim->get<bool>();
    p.levers = levers_of_row(r);
    out.push_back(std::move(p));
  }
  return out;
}

std::vector<std::string> levers_of_row(const nlohmann::ordered_json& row) {
  std::vector<std::string> out;
  for (const Lever& l : levers()) {
    const auto it = row.find(l.name);
    if (it == row.end() || it->is_null()) {
      out.emplace_back(l.baseline);
    } else if (it->is_string()) {
      out.push_back(drop_controls(it->get<std::string>()));
    } else if (it->is_number()) {
      out.push_back(fmt::format("{:g}", it->get<double>()));
    } else {
      out.push_back(it->dump());
    }
  }
  return out;
}

std::optional<PolicySpec> policy_of_row(const std::string& policy) {
  try {
    return PolicySpec::parse(policy);
  } catch (const UsageError&) {
    return std::nullopt;  // see ConfigPoint::policy_spec
  }
}

}  // namespace gb
