// The texts of `report` (recommendations, each lever's savings) and `validate` (predicted
// against measured), declared in report/console.h: the analyses' tables, apart from the run
// tables of console.cpp.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "common/text_table.h"
#include "report/columns.h"
#include "report/console.h"

namespace gb {
namespace {

// "-36 %" is 36 % less energy per image.
std::string saving_cell(const std::optional<double>& f) {
  return f ? fmt::format("{:+.0f} %", -100 * *f) : std::string("-");
}

}  // namespace

std::string recommendations_text(const std::vector<Recommendation>& recommendations,
                                 const std::string& budget, std::size_t width) {
  Table t;
  t.header = {"model",    "rate",      "recommended", "energy/img (J)", "max (ms)",
              "p99 (ms)", "vs greedy", "vs batch 1",  "in budget"};
  t.numeric = {false, false, false, true, true, true, true, true, true};
  t.drop = {0, 0, 0, 0, 0, 1, 0, 3, 2};
  t.wrap = {false, false, true, false, false, false, false, false, false};
  // The saving in energy per image: "-36 %" is 36 % less; the baseline itself says so, not "-0 %".
  const auto saving = [](const std::optional<double>& f, const std::optional<ConfigPoint>& base,
                         const ConfigPoint& best) {
    if (base && base->policy == best.policy && base->levers == best.levers) {
      return std::string("(it is)");
    }
    return saving_cell(f);
  };
  for (const Recommendation& r : recommendations) {
    const std::string within = fmt::format("{}/{}", r.within_slo, r.candidates);
    if (!r.best) {
      t.rows.push_back(
          {r.model, r.rate_label, "none meets the budget", "", "", "", "", "", within});
      continue;
    }
    const ConfigPoint& b = *r.best;
    t.rows.push_back(
        {r.model, r.rate_label, combination(b, r.swept),
         fmt::format("{:.4g}", b.energy_per_image_j), fmt::format("{:.1f}", b.max_response_s * 1e3),
         fmt::format("{:.1f}", b.p99_response_s * 1e3), saving(r.saving_vs_greedy, r.greedy, b),
         saving(r.saving_vs_unbatched, r.unbatched, b), within});
  }
  return fold_lines(fmt::format("\nRecommendations (least energy per image with max and p99 "
                                "response within {}):\n\n",
                                budget),
                    width) +
         t.render(width) +
         "(vs greedy, vs batch 1: energy per image against greedy and against batches of one, "
         "where measured; in budget: configurations of the workload within it)\n";
}

std::string lever_savings_text(const std::vector<LeverSavings>& savings, std::size_t width) {
  if (savings.empty()) return "";
  std::string out = "\nEach lever alone and all combined, against the default configuration:\n";
  for (const LeverSavings& s : savings) {
    std::string line = fmt::format("\n{} {}: default ", s.model, s.rate_label);
    if (!s.baseline) {
      out += fold_lines(
          line + "(greedy with every lever at its default) not measured: no savings to state\n",
          width);
      continue;
    }
    out +=
        fold_lines(line + fmt::format("{}, {:.4g} J/image{}\n", combination(*s.baseline, s.swept),
                                      s.baseline->energy_per_image_j,
                                      s.baseline_within_slo ? "" : " (misses the budget)"),
                   width);
    Table t;
    t.header = {"lever", "best alone", "energy/img (J)", "max (ms)", "energy vs default"};
    t.numeric = {false, false, true, true, true};
    t.wrap = {false, true, false, false, false};
    const auto add = [&](const std::string& lever, const std::optional<ConfigPoint>& best,
                         const std::optional<double>& saving, const std::string& what) {
      if (!best) {
        t.rows.push_back({lever, "none meets the budget", "", "", ""});
        return;
      }
      t.rows.push_back({lever, what, fmt::format("{:.4g}", best->energy_per_image_j),
                        fmt::format("{:.1f}", best->max_response_s * 1e3), saving_cell(saving)});
    };
    for (const DimensionSaving& d : s.alone) {
      add(dimension_name(d.dimension), d.best, d.saving,
          d.best ? describe_value(d.dimension, dimension_value(*d.best, d.dimension)) : "");
    }
    add("all combined", s.combined, s.combined_saving,
        s.combined ? combination(*s.combined, s.swept) : "");
    out += t.render(width);
  }
  return out;
}

std::string validation_text(const std::vector<Configuration>& configs,
                            const std::vector<std::vector<ValidationPair>>& pairs,
                            const ValidationText& o, std::size_t width) {
  const std::size_t reps = o.repetitions;

  double slowest = 0, fastest = INFINITY;  // over every run
  ValidationFigures worst_error, worst_spread;
  std::size_t within = 0;
  std::vector<ValidationScore> scores;
  std::vector<std::string> model, arrival, rate, policy;
  for (std::size_t c = 0; c < pairs.size(); ++c) {
    const RunSpec& spec = configs[c * reps].spec;
    const ValidationScore& v = scores.emplace_back(score_repetitions(pairs[c]));
    for (const ValidationPair& p : pairs[c]) {
      slowest = std::max(slowest, p.speed);
      fastest = std::min(fastest, p.speed);
    }
    for (double ValidationFigures::*f : kValidationFigures) {
      worst_error.*f = std::max(worst_error.*f, std::fabs(v.error_pct.*f));
      worst_spread.*f = std::max(worst_spread.*f, v.spread_pct.*f);
    }
    within += v.within(o.energy_target_pct, o.latency_target_pct);
    model.push_back(spec.model.name);
    arrival.push_back(spec.arrival.name());
    rate.push_back(spec.arrival.needs_rate() ? fmt::format("{:g}", spec.rate_hz) : "-");
    policy.push_back(spec.policy.canonical());
  }
  Columns t(scores.size());
  t.text("model", model);
  t.text("arrival", arrival, 3);
  t.count("rate (Hz)", rate);
  t.text("policy", policy, 0, true);
  const auto figures = [&](auto get) {
    std::vector<std::string> out;
    for (const ValidationScore& v : scores) out.push_back(get(v));
    return out;
  };
  t.count("speed", figures([](const ValidationScore& v) { return fmt::format("{:.2f}", v.speed); }),
          2);
  for (const auto& [name, field, unit] :
       {std::tuple{"energy/img", &ValidationFigures::energy_per_image_j, "J"},
        std::tuple{"p99", &ValidationFigures::p99_s, "s"},
        std::tuple{"max", &ValidationFigures::max_s, "s"}}) {
    const auto f = field;
    std::vector<double> both;  // one unit for the real and the simulated column
    for (const ValidationScore& v : scores) both.push_back(v.real.*f);
    for (const ValidationScore& v : scores) both.push_back(v.simulated.*f);
    const ScaledColumn scaled = scale_column(both, unit, 3, 0);
    t.count(fmt::format("{} real ({})", name, scaled.unit),
            {scaled.cells.begin(), scaled.cells.begin() + static_cast<long>(scores.size())});
    t.count("sim", {scaled.cells.begin() + static_cast<long>(scores.size()), scaled.cells.end()});
    t.count("err", figures([f](const ValidationScore& v) {
              return fmt::format("{:+.1f} %", v.error_pct.*f);
            }));
  }
  t.count("spread (max)", figures([reps](const ValidationScore& v) {
            return reps > 1 ? fmt::format("{:.0f} %", v.spread_pct.max_s) : "-";
          }),
          1);
  // With one run there is no spread to report, and 0 % would read as runs that agreed.
  const std::string spread_line =
      reps == 1 ? ""
                : fmt::format(
                      "real runs' own spread ((max - min) / median): energy/img up to {:.0f} %, "
                      "p99 {:.0f} %, max {:.0f} %\n",
                      worst_spread.energy_per_image_j, worst_spread.p99_s, worst_spread.max_s);
  return "\n" + t.table().render(width) +
         fmt::format(
             "\nworst |error|: energy/img {:.1f} % (target {:g} %), p99 {:.1f} %, max {:.1f} % "
             "(target {:g} %); {}/{} configurations within all targets\n"
             "{} real run{} per configuration, each simulated with its own seed{}; errors "
             "(simulated - real) / real{}\n"
             "{}"
             "simulated: {}{}; real energy method: {}\n"
             "speed: the real run's service times over the profile's means for its batches "
             "({:.2f}..{:.2f} here){}\n",
             worst_error.energy_per_image_j, o.energy_target_pct, worst_error.p99_s,
             worst_error.max_s, o.latency_target_pct, within, pairs.size(), reps,
             reps == 1 ? "" : "s", o.adjust_speed ? " and speed" : "",
             reps == 1 ? "" : " of the medians over them", spread_line,
             o.mean_service ? "at the profiles' mean service times"
                            : fmt::format("medians over {} service-time draws", o.draws),
             o.adjust_speed ? ", service times and dynamic energy scaled by each run's speed" : "",
             o.energy_method, fastest, slowest,
             o.adjust_speed || (slowest < 1.1 && fastest > 0.9)
                 ? ""
                 : "; the machine ran at another speed than when profiled: --adjust-speed "
                   "separates that drift from the simulator's error");
}

}  // namespace gb
