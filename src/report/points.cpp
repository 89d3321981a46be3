#include "report/points.h"

#include <fmt/format.h>

#include <set>

namespace gb {
namespace {

std::optional<double> opt(const nlohmann::ordered_json& row, const char* key) {
  auto it = row.find(key);
  if (it == row.end() || !it->is_number()) return std::nullopt;
  return it->get<double>();
}

double num(const nlohmann::ordered_json& row, const char* key) { return opt(row, key).value_or(0); }

std::string text(const nlohmann::ordered_json& row, const char* key) {
  auto it = row.find(key);
  return it != row.end() && it->is_string() ? it->get<std::string>() : "";
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
    ConfigPoint p;
    p.model = text(r, "model");
    p.device = text(r, "device");
    p.arrival = text(r, "arrival");
    p.rate_hz = opt(r, "rate_hz");
    p.policy = text(r, "policy");
    p.mean_batch_size = num(r, "mean_batch_size");
    p.energy_per_image_j = num(r, "energy_per_image_j");
    p.energy_ci95 = opt(r, "energy_per_image_j_ci95");
    p.max_response_s = num(r, "max_response_s");
    p.max_ci95 = opt(r, "max_response_s_ci95");
    p.p99_response_s = num(r, "p99_response_s");
    p.p99_ci95 = opt(r, "p99_response_s_ci95");
    p.average_power_w = num(r, "Average Power(W)");
    p.peak_power_w = opt(r, "Average Peak Power (W)");
    p.energy_method = text(r, "energy_method");
    p.repetitions = static_cast<std::size_t>(num(r, "repetitions"));
    if (p.repetitions == 0) p.repetitions = 1;
    auto sim = r.find("simulated");
    p.simulated = sim != r.end() && sim->is_boolean() && sim->get<bool>();
    out.push_back(std::move(p));
  }
  return out;
}

bool is_greedy(const std::string& policy) { return policy.rfind("greedy", 0) == 0; }

bool is_unbatched(const std::string& policy) {
  return policy == "fixed:1" || policy == "greedy:1" || policy.rfind("triton:max=1,", 0) == 0 ||
         policy == "triton:max=1";
}

}  // namespace gb
