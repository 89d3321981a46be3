#include "report/analysis.h"

#include <algorithm>

#include "models/model_info.h"
#include "report/lever_analysis.h"
#include "report/pareto.h"
#include "results/summary.h"

namespace gb {
namespace {

std::vector<ConfigPoint> of_model(const std::vector<ConfigPoint>& points,
                                  const std::string& model) {
  std::vector<ConfigPoint> out;
  for (const ConfigPoint& p : points) {
    if (p.model == model) out.push_back(p);
  }
  return out;
}

BatchGroup group_of(const std::vector<const ConfigPoint*>& group) {
  BatchGroup g;
  double peak = 0;
  int peaks = 0;
  for (const ConfigPoint* p : group) {
    g.average_power_w += p->average_power_w;
    if (p->peak_power_w) peak += *p->peak_power_w, ++peaks;
  }
  g.average_power_w /= group.size();
  if (peaks) g.peak_power_w = peak / peaks;
  g.batch_lo = group.front()->mean_batch_size;
  g.batch_hi = group.back()->mean_batch_size;
  return g;
}

}  // namespace

std::vector<std::string> model_order(const std::vector<ConfigPoint>& points) {
  std::vector<std::string> out;
  for (const ModelInfo& m : builtin_models()) {
    if (std::any_of(points.begin(), points.end(),
                    [&](const ConfigPoint& p) { return p.model == m.name; })) {
      out.push_back(m.name);
    }
  }
  for (const ConfigPoint& p : points) {
    if (std::find(out.begin(), out.end(), p.model) == out.end()) out.push_back(p.model);
  }
  return out;
}

std::vector<std::optional<double>> rates_of(const std::vector<ConfigPoint>& points) {
  std::vector<std::optional<double>> rates;
  for (const ConfigPoint& p : points) {
    if (std::find(rates.begin(), rates.end(), p.rate_hz) == rates.end()) rates.push_back(p.rate_hz);
  }
  std::sort(rates.begin(), rates.end(), [](const auto& a, const auto& b) {
    if (!a || !b) return a.has_value() && !b.has_value();
    return *a < *b;
  });
  return rates;
}

std::optional<double> mean_energy(const std::vector<ConfigPoint>& points, const std::string& model,
                                  std::optional<double> rate) {
  double sum = 0;
  int n = 0;
  for (const ConfigPoint& p : points) {
    if (p.model != model || (rate && p.rate_hz != rate)) continue;
    sum += p.energy_per_image_j;
    ++n;
  }
  if (n == 0) return std::nullopt;
  return sum / n;
}

std::vector<ModelAtRate> by_model_and_rate(const std::vector<ConfigPoint>& points,
                                           const std::vector<std::string>& models) {
  std::vector<ModelAtRate> out;
  for (const std::string& model : models) {
    const std::vector<ConfigPoint> mine = of_model(points, model);
    for (const auto& rate : rates_of(mine)) {
      ModelAtRate g{model, rate, {}};
      for (const ConfigPoint& p : mine) {
        if (p.rate_hz == rate) g.points.push_back(p);
      }
      out.push_back(std::move(g));
    }
  }
  return out;
}

std::vector<ParetoFront> pareto_fronts(const std::vector<ConfigPoint>& points,
                                       const std::vector<std::string>& models) {
  std::vector<ParetoFront> out;
  for (const ModelAtRate& g : by_model_and_rate(points, models)) {
    ParetoFront f{g.model, g.rate_hz, {}};
    for (std::size_t i : pareto_front(g.points)) f.points.push_back(g.points[i]);
    out.push_back(std::move(f));
  }
  return out;
}

std::vector<PeakPowerRow> peak_power_rows(const std::vector<ConfigPoint>& points,
                                          const std::vector<std::string>& models) {
  std::vector<PeakPowerRow> out;
  // The paper's comparison is of batch sizes alone: other levers (a power limit above all) stay at
  // their defaults, or they would move the power more than the batch size does.
  const std::vector<std::string> defaults = default_levers(points);
  for (const std::string& model : models) {
    std::vector<const ConfigPoint*> ps;
    for (const ConfigPoint& p : points) {
      if (p.model == model && at_default_levers(p, defaults)) ps.push_back(&p);
    }
    if (ps.size() < 2) continue;
    std::sort(ps.begin(), ps.end(), [](const ConfigPoint* a, const ConfigPoint* b) {
      return a->mean_batch_size < b->mean_batch_size;
    });
    const auto half = static_cast<std::ptrdiff_t>(ps.size() / 2);
    out.push_back({model, group_of({ps.begin(), ps.begin() + half}),
                   group_of({ps.begin() + half, ps.end()})});
  }
  return out;
}

EnergyMethods parse_methods(const std::vector<ConfigPoint>& points) {
  EnergyMethods all;
  for (const ConfigPoint& p : points) all.merge(parse_energy_methods(p.energy_method));
  return all;
}

ReportAnalysis analyse(const std::vector<nlohmann::ordered_json>& rows, double slo_s) {
  ReportAnalysis a;
  a.points = points_from_rows(rows);
  a.models = model_order(a.points);
  a.recommendations = recommend(a.points, slo_s);
  a.lever_savings = lever_savings(a.points, a.recommendations, slo_s);
  a.lever_fronts = lever_fronts(a.points, a.models);
  a.fronts = pareto_fronts(a.points, a.models);
  a.peak_power = peak_power_rows(a.points, a.models);
  a.estimated_energy = parse_methods(a.points).has_estimate();
  for (const ConfigPoint& p : a.points) a.simulated |= p.simulated;
  for (const auto& row : rows) {
    const auto it = row.find(columns::kOverloaded);
    a.overloaded += it != row.end() && it->is_boolean() && it->get<bool>();
  }
  return a;
}

}  // namespace gb
