#include "report/lever_analysis.h"

#include <algorithm>
#include <cstdlib>
#include <map>

#include "report/analysis.h"
#include "report/pareto.h"
#include "results/levers.h"

namespace gb {
namespace {

bool within(const ConfigPoint& p, double slo_s) {
  return p.max_response_s <= slo_s && p.p99_response_s <= slo_s;
}

// The values of dimension `d` among `points`, each once, in order of appearance.
std::vector<std::string> values_of(const std::vector<ConfigPoint>& points, std::size_t d) {
  std::vector<std::string> out;
  for (const ConfigPoint& p : points) {
    const std::string v = dimension_value(p, d);
    if (std::find(out.begin(), out.end(), v) == out.end()) out.push_back(v);
  }
  return out;
}

bool integer_text(const std::string& v) {
  if (v.empty()) return false;
  char* end = nullptr;
  std::strtoll(v.c_str(), &end, 10);
  return *end == '\0';
}

std::optional<double> saving_against(const std::optional<ConfigPoint>& base,
                                     const std::optional<ConfigPoint>& best) {
  if (!base || !best || base->energy_per_image_j <= 0) return std::nullopt;
  return 1.0 - best->energy_per_image_j / base->energy_per_image_j;
}

}  // namespace

std::size_t dimension_count() { return 1 + levers().size(); }

std::string dimension_name(std::size_t d) {
  return d == 0 ? std::string("policy") : std::string(levers().at(d - 1).name);
}

std::string dimension_value(const ConfigPoint& p, std::size_t d) {
  if (d == 0) return p.policy;
  return d - 1 < p.levers.size() ? p.levers[d - 1] : std::string(levers().at(d - 1).baseline);
}

std::string describe_value(std::size_t d, const std::string& value) {
  return d == 0 ? value : levers().at(d - 1).describe(value);
}

std::vector<std::size_t> swept_levers(const std::vector<ConfigPoint>& points) {
  std::vector<std::size_t> out;
  for (std::size_t d = 1; d < dimension_count(); ++d) {
    if (values_of(points, d).size() > 1) out.push_back(d);
  }
  return out;
}

std::vector<std::string> default_levers(const std::vector<ConfigPoint>& points) {
  std::vector<std::string> out;
  for (std::size_t d = 1; d < dimension_count(); ++d) {
    const std::vector<std::string> values = values_of(points, d);
    const std::string baseline(levers()[d - 1].baseline);
    if (values.empty() || std::find(values.begin(), values.end(), baseline) != values.end()) {
      out.push_back(baseline);
    } else if (std::all_of(values.begin(), values.end(), integer_text)) {
      out.push_back(*std::max_element(
          values.begin(), values.end(),
          [](const auto& a, const auto& b) { return std::stoll(a) < std::stoll(b); }));
    } else {
      out.push_back(values.front());
    }
  }
  return out;
}

bool at_default_levers(const ConfigPoint& p, const std::vector<std::string>& defaults,
                       std::size_t except) {
  for (std::size_t d = 1; d < dimension_count(); ++d) {
    if (d != except && dimension_value(p, d) != defaults.at(d - 1)) return false;
  }
  return true;
}

std::string combination(const ConfigPoint& p, const std::vector<std::size_t>& swept) {
  std::string out = p.policy;
  for (std::size_t d : swept) out += ", " + describe_value(d, dimension_value(p, d));
  return out;
}

std::vector<LeverSavings> lever_savings(const std::vector<ConfigPoint>& points,
                                        const std::vector<Recommendation>& recommendations,
                                        double slo_s) {
  std::map<std::string, std::vector<ConfigPoint>> workloads;
  for (const ConfigPoint& p : points) workloads[workload_key(p)].push_back(p);
  std::vector<LeverSavings> out;
  for (const Recommendation& r : recommendations) {
    if (r.swept.empty()) continue;
    ConfigPoint workload;
    workload.model = r.model;
    workload.device = r.device;
    workload.arrival = r.arrival;
    workload.rate_hz = r.rate_hz;
    const auto found = workloads.find(workload_key(workload));
    if (found == workloads.end()) continue;
    const std::vector<ConfigPoint>& members = found->second;
    LeverSavings s;
    s.model = r.model;
    s.rate_label = r.rate_label;
    s.swept = r.swept;
    const std::vector<std::string> defaults = default_levers(members);
    for (const ConfigPoint& p : members) {
      if (p.greedy() && !p.unbatched() && at_default_levers(p, defaults) &&
          (!s.baseline || better_greedy_baseline(p, *s.baseline))) {
        s.baseline = p;
      }
    }
    s.baseline_within_slo = s.baseline && within(*s.baseline, slo_s);
    std::vector<std::size_t> dims{0};
    dims.insert(dims.end(), r.swept.begin(), r.swept.end());
    for (std::size_t d : dims) {
      DimensionSaving ds;
      ds.dimension = d;
      for (const ConfigPoint& p : members) {
        // Alone: the default in every other dimension (the policy: the baseline's).
        const bool others = d == 0 ? at_default_levers(p, defaults)
                                   : s.baseline && p.policy == s.baseline->policy &&
                                         at_default_levers(p, defaults, d);
        if (!others || !within(p, slo_s)) continue;
        if (!ds.best || recommends_before(p, *ds.best)) ds.best = p;
      }
      ds.saving = saving_against(s.baseline, ds.best);
      s.alone.push_back(std::move(ds));
    }
    s.combined = r.best;
    s.combined_saving = saving_against(s.baseline, r.best);
    out.push_back(std::move(s));
  }
  return out;
}

std::vector<LeverFront> lever_fronts(const std::vector<ConfigPoint>& points,
                                     const std::vector<std::string>& models) {
  std::vector<LeverFront> out;
  for (const ModelAtRate& g : by_model_and_rate(points, models)) {
    for (std::size_t d : swept_levers(g.points)) {
      for (const std::string& value : values_of(g.points, d)) {
        std::vector<ConfigPoint> with;
        for (const ConfigPoint& p : g.points) {
          if (dimension_value(p, d) == value) with.push_back(p);
        }
        LeverFront f{g.model, g.rate_hz, d, value, {}};
        for (std::size_t i : pareto_front(with)) f.points.push_back(with[i]);
        out.push_back(std::move(f));
      }
    }
  }
  return out;
}

}  // namespace gb
