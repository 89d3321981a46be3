#include "report/recommend.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

namespace gb {
namespace {

bool energy_tied(double a, double b) {
  return std::fabs(a - b) <= 1e-9 * std::max(std::fabs(a), std::fabs(b));
}

// Strict weak order: better first.
bool better(const ConfigPoint& a, const ConfigPoint& b) {
  if (!energy_tied(a.energy_per_image_j, b.energy_per_image_j)) {
    return a.energy_per_image_j < b.energy_per_image_j;
  }
  if (a.p99_response_s != b.p99_response_s) return a.p99_response_s < b.p99_response_s;
  if (a.max_response_s != b.max_response_s) return a.max_response_s < b.max_response_s;
  if (a.mean_batch_size != b.mean_batch_size) return a.mean_batch_size < b.mean_batch_size;
  return a.label() < b.label();
}

// Preference among greedy policies for the baseline: greedy:128 (the paper's) above all, then the
// larger cap.
// REQUIRES: p.greedy().
long greedy_rank(const ConfigPoint& p) {
  const long cap = static_cast<long>(p.policy_spec->max_batch());
  return cap == 128 ? std::numeric_limits<long>::max() / 2 : cap;
}

// A baseline at the GPU's default setting ranks above any under a setting.
long baseline_rank(const ConfigPoint& p, long rank) {
  return p.gpu_setting.empty() ? rank + std::numeric_limits<long>::max() / 2 : rank;
}

std::string fmt_s(double s) {
  return s < 1 ? fmt::format("{:.0f} ms", s * 1e3) : fmt::format("{:.2f} s", s);
}

}  // namespace

std::vector<Recommendation> recommend(const std::vector<ConfigPoint>& points, double slo_s) {
  std::vector<std::string> order;
  std::map<std::string, std::vector<const ConfigPoint*>> groups;
  for (const ConfigPoint& p : points) {
    const std::string key = p.model + "|" + p.device + "|" + p.arrival + "|" + p.rate_label();
    if (!groups.count(key)) order.push_back(key);
    groups[key].push_back(&p);
  }
  std::vector<Recommendation> out;
  for (const std::string& key : order) {
    const auto& members = groups[key];
    const ConfigPoint& first = *members.front();
    Recommendation r;
    r.model = first.model;
    r.device = first.device;
    r.arrival = first.arrival;
    r.rate_label = first.rate_label();
    r.rate_hz = first.rate_hz;
    r.candidates = members.size();
    for (const ConfigPoint* p : members) {
      if (p->max_response_s <= slo_s && p->p99_response_s <= slo_s) {
        ++r.within_slo;
        if (!r.best || better(*p, *r.best)) r.best = *p;
      }
      if (p->greedy() && !p->unbatched()) {
        if (!r.greedy ||
            baseline_rank(*p, greedy_rank(*p)) > baseline_rank(*r.greedy, greedy_rank(*r.greedy))) {
          r.greedy = *p;
        }
      }
      if (p->unbatched() &&
          (!r.unbatched || (p->gpu_setting.empty() && !r.unbatched->gpu_setting.empty()) ||
           (p->gpu_setting.empty() == r.unbatched->gpu_setting.empty() &&
            better(*p, *r.unbatched)))) {
        r.unbatched = *p;
      }
    }
    if (r.best && !r.best->gpu_setting.empty()) {
      for (const ConfigPoint* p : members) {
        if (p->gpu_setting.empty() && p->policy == r.best->policy) r.default_gpu = *p;
      }
    }
    if (r.best) {
      const auto saving = [&](const std::optional<ConfigPoint>& base) -> std::optional<double> {
        if (!base || base->energy_per_image_j <= 0) return std::nullopt;
        return 1.0 - r.best->energy_per_image_j / base->energy_per_image_j;
      };
      r.saving_vs_greedy = saving(r.greedy);
      r.saving_vs_unbatched = saving(r.unbatched);
      r.saving_vs_default_gpu = saving(r.default_gpu);
    }
    out.push_back(std::move(r));
  }
  return out;
}

std::string describe(const Recommendation& r) {
  std::string head = fmt::format("{} {}", r.model, r.rate_label);
  if (!r.best) {
    return fmt::format("{}: none meets the budget ({} configurations measured)", head,
                       r.candidates);
  }
  const ConfigPoint& b = *r.best;
  std::string line = fmt::format("{}: {}, {:.4g} J/image ({}), max {}, p99 {}", head, b.label(),
                                 b.energy_per_image_j, b.energy_method, fmt_s(b.max_response_s),
                                 fmt_s(b.p99_response_s));
  std::vector<std::string> savings;
  if (r.saving_vs_greedy && r.greedy->label() != b.label()) {
    savings.push_back(fmt::format("{:.0f} % vs {}", 100 * *r.saving_vs_greedy, r.greedy->label()));
  }
  if (r.saving_vs_unbatched && r.unbatched->label() != b.label()) {
    savings.push_back(
        fmt::format("{:.0f} % vs {}", 100 * *r.saving_vs_unbatched, r.unbatched->label()));
  }
  if (r.saving_vs_default_gpu) {
    savings.push_back(fmt::format("{:.0f} % vs {} at the default GPU setting",
                                  100 * *r.saving_vs_default_gpu, b.policy));
  }
  if (!savings.empty()) {
    line += "; saves ";
    for (std::size_t i = 0; i < savings.size(); ++i) line += (i ? ", " : "") + savings[i];
  }
  return line;
}

}  // namespace gb
