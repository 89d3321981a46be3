#include "report/console.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "common/text_table.h"
#include "common/version.h"
#include "results/levers.h"
#include "workload/arrivals.h"

namespace gb {

namespace {

std::string fmt_ms(double seconds) { return fmt::format("{:.1f}", seconds * 1e3); }
std::string fmt_sig(double v) { return fmt::format("{:.4g}", v); }

// The capacity cell, marked when the run fell behind its arrivals (see overload_note).
std::string capacity_cell(const RunSummary& s) {
  if (!s.capacity_rps) return "-";
  return fmt::format("{:.4g}{}", *s.capacity_rps, s.overloaded ? " !" : "");
}

// One line under a table with overloaded runs, so a backlog is never read as a policy's latency.
std::string overload_note(const std::vector<RunSummary>& runs) {
  const auto n =
      std::count_if(runs.begin(), runs.end(), [](const RunSummary& s) { return s.overloaded; });
  if (n == 0) return "";
  return fmt::format(
      "! overloaded ({} of {}): capacity (requests per second of service) under 90 % of the "
      "offered rate, so the queue grew all run and its response times measure the backlog\n",
      n, runs.size());
}

}  // namespace

std::string run_results_text(const std::vector<RunSummary>& results, const std::string& out_dir) {
  if (results.empty()) return "";
  const RunSummary& first = results.front();
  const bool has_idle = first.energy.idle_power_w().has_value();
  Table t;
  t.header = {"policy", "rate/s", "batches", "mean batch", "energy/img (J)"};
  if (has_idle) {
    t.header.push_back("idle/img (J)");
    t.header.push_back("dynamic/img (J)");
  }
  for (const char* h :
       {"avg power (W)", "p50 (ms)", "p99 (ms)", "max (ms)", "served/s", "capacity/s"}) {
    t.header.push_back(h);
  }
  t.numeric.assign(t.header.size(), true);
  t.numeric[0] = false;
  for (const RunSummary& s : results) {
    std::vector<std::string> row = {
        s.policy,
        s.spec.arrival.needs_rate() ? fmt::format("{:g}", s.spec.rate_hz) : s.spec.arrival.name(),
        std::to_string(s.batches), fmt::format("{:.1f}", s.mean_batch_size),
        fmt_sig(s.energy_per_image_j())};
    if (has_idle) {
      row.push_back(fmt_sig(s.energy.idle_j().value_or(0) / s.requests));
      row.push_back(fmt_sig(s.energy.dynamic_j().value_or(0) / s.requests));
    }
    for (const std::string& cell :
         {fmt::format("{:.1f}", s.average_power_w()), fmt_ms(s.response_s.p50),
          fmt_ms(s.response_s.p99), fmt_ms(s.response_s.max),
          fmt::format("{:.1f}", s.throughput_rps), capacity_cell(s)}) {
      row.push_back(cell);
    }
    t.rows.push_back(row);
  }
  const std::string method = first.energy.method();
  const std::string levers = describe_levers(first.spec);
  std::string out = fmt::format(
      "\ngreenbatch {} | {} on {} | {} arrivals | {} requests per run | images: {}{}\n\n", kVersion,
      first.spec.model.name, first.device_name, first.spec.arrival.name(), first.requests,
      first.images_source, levers.empty() ? "" : " | " + levers);
  out += t.render();
  const NumericCost& cost = first.numeric_cost;
  if (cost.images > 0 && !levers.empty()) {
    out += fmt::format(
        "\n{} {} against fp32 eager on {} images: max |logit difference| {:.3g} (of max |logit| "
        "{:.3g}), mean {:.3g}{}\n",
        engine_label(first.spec.engine), precision_label(first.spec.precision), cost.images,
        cost.max_abs_diff, cost.reference_max, cost.mean_abs_diff,
        cost.top1_agreement ? fmt::format("; top-1 agrees on {:.1f} %", 100 * *cost.top1_agreement)
                            : std::string());
  }
  const EnergyMethods methods = parse_energy_methods(method);
  out += fmt::format("\nenergy method: {}{}\n", method,
                     methods.has_estimate() && !methods.partly_estimated()
                         ? " (a CPU-utilisation model, NOT a measurement; see docs/energy.md)"
                         : estimate_note(methods));
  for (const DomainEnergy& d : first.energy.domains) {
    const DomainKind kind = domain_kind(d.domain);
    out += fmt::format(
        "  {} ({}){}: {}\n", d.domain, method_label(d.method),
        kind == DomainKind::kPlatform ? ", not in the total (holds the package)" : "", d.detail);
  }
  for (const RunSummary& s : results) {
    for (const std::string& w : s.energy.warnings) out += "warning: " + s.policy + ": " + w + "\n";
  }
  out += fmt::format(
      "energy/img is the total of the domains; avg power (W) and the paper's columns hold {}\n",
      first.paper_scope == DomainKind::kOther
          ? std::string("the total too")
          : "the " + std::string(domain_kind_label(first.paper_scope)) +
                " only (the device's, as the paper measured its GPU)");
  out += overload_note(results);
  std::string invalid;
  for (const RunSummary& s : results) {
    if (!s.valid_for_energy) {
      invalid += fmt::format("{}{} ({})", invalid.empty() ? "" : "; ", s.policy, s.invalid_reason);
    }
  }
  if (!invalid.empty()) {
    out += "NOT valid for energy (too short, docs/energy.md): " + invalid + "\n";
  }
  if (has_idle) {
    out += fmt::format(
        "idle baseline: {:.2f} W with the model loaded; energy/img is gross = idle/img + "
        "dynamic/img\n",
        *first.energy.idle_power_w());
  }
  // "results/" once, whether the folder was given with its slash or without.
  std::string folder = out_dir;
  while (folder.size() > 1 && folder.back() == '/') folder.pop_back();
  out += fmt::format("response time = scheduled arrival -> end of its batch; results in {}/\n",
                     folder);
  return out;
}

std::string run_results_json(const std::vector<RunSummary>& results) {
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const RunSummary& s : results) out.push_back(summary_row(s));
  return out.dump(2) + "\n";
}

std::string simulated_results_text(const std::vector<RunSummary>& runs) {
  Table t;
  t.header = {"model",    "arrival",  "rate/s",     "policy",    "energy/img (J)",
              "p99 (ms)", "max (ms)", "mean batch", "capacity/s"};
  t.numeric = {false, false, true, false, true, true, true, true, true};
  // A column for the levers only where some run has one off its baseline.
  const bool any_levers = std::any_of(runs.begin(), runs.end(), [](const RunSummary& s) {
    return !describe_levers(s.spec).empty();
  });
  if (any_levers) {
    t.header.insert(t.header.begin() + 4, "levers");
    t.numeric.insert(t.numeric.begin() + 4, false);
  }
  for (const RunSummary& s : runs) {
    t.rows.push_back({s.spec.model.name, s.spec.arrival.name(),
                      s.spec.arrival.needs_rate() ? fmt::format("{:g}", s.spec.rate_hz) : "-",
                      s.policy, fmt::format("{:.4g}", s.energy_per_image_j()),
                      fmt::format("{:.1f}", s.response_s.p99 * 1e3),
                      fmt::format("{:.1f}", s.response_s.max * 1e3),
                      fmt::format("{:.1f}", s.mean_batch_size), capacity_cell(s)});
    if (any_levers) {
      const std::string levers = describe_levers(s.spec);
      t.rows.back().insert(t.rows.back().begin() + 4, levers.empty() ? "-" : levers);
    }
  }
  return t.render() + overload_note(runs);
}

namespace {

std::string saving_cell(const std::optional<double>& f) {
  return f ? fmt::format("{:+.0f} %", -100 * *f) : std::string("-");
}

}  // namespace

std::string recommendations_text(const std::vector<Recommendation>& recommendations) {
  Table t;
  t.header = {"model",        "rate",     "recommended",      "energy/img (J)",
              "max (ms)",     "p99 (ms)", "energy vs greedy", "vs no batching",
              "within budget"};
  t.numeric = {false, false, false, true, true, true, true, true, true};
  for (const Recommendation& r : recommendations) {
    const std::string within = fmt::format("{}/{}", r.within_slo, r.candidates);
    if (!r.best) {
      t.rows.push_back(
          {r.model, r.rate_label, "none meets the budget", "", "", "", "", "", within});
      continue;
    }
    t.rows.push_back({r.model, r.rate_label, combination(*r.best, r.swept),
                      fmt::format("{:.4g}", r.best->energy_per_image_j),
                      fmt_ms(r.best->max_response_s), fmt_ms(r.best->p99_response_s),
                      saving_cell(r.saving_vs_greedy), saving_cell(r.saving_vs_unbatched), within});
  }
  return t.render();
}

std::string lever_savings_text(const std::vector<LeverSavings>& savings) {
  if (savings.empty()) return "";
  std::string out;
  for (const LeverSavings& s : savings) {
    out += fmt::format("\n{} {}: default ", s.model, s.rate_label);
    if (!s.baseline) {
      out += "(greedy with every lever at its default) not measured: no savings to state\n";
      continue;
    }
    out += fmt::format("{}, {:.4g} J/image{}\n", combination(*s.baseline, s.swept),
                       s.baseline->energy_per_image_j,
                       s.baseline_within_slo ? "" : " (misses the budget)");
    Table t;
    t.header = {"lever", "best alone", "energy/img (J)", "max (ms)", "energy vs default"};
    t.numeric = {false, false, true, true, true};
    const auto add = [&](const std::string& lever, const std::optional<ConfigPoint>& best,
                         const std::optional<double>& saving, const std::string& what) {
      if (!best) {
        t.rows.push_back({lever, "none meets the budget", "", "", ""});
        return;
      }
      t.rows.push_back({lever, what, fmt::format("{:.4g}", best->energy_per_image_j),
                        fmt_ms(best->max_response_s), saving_cell(saving)});
    };
    for (const DimensionSaving& d : s.alone) {
      add(dimension_name(d.dimension), d.best, d.saving,
          d.best ? describe_value(d.dimension, dimension_value(*d.best, d.dimension)) : "");
    }
    add("all combined", s.combined, s.combined_saving,
        s.combined ? combination(*s.combined, s.swept) : "");
    out += t.render();
  }
  return out;
}

std::string validation_text(const std::vector<Configuration>& configs,
                            const std::vector<std::vector<ValidationPair>>& pairs,
                            const ValidationText& o) {
  const std::size_t reps = o.repetitions;

  Table t;
  t.header = {"model", "arrival", "rate/s",        "policy", "speed", "energy/img real",
              "sim",   "err",     "p99 real (ms)", "sim",    "err",   "max real (ms)",
              "sim",   "err",     "spread (max)"};
  t.numeric = {false, false, true, false, true, true, true, true,
               true,  true,  true, true,  true, true, true};
  double slowest = 0, fastest = INFINITY;  // over every run
  ValidationFigures worst_error, worst_spread;
  std::size_t within = 0;
  for (std::size_t c = 0; c < pairs.size(); ++c) {
    const RunSpec& spec = configs[c * reps].spec;
    const ValidationScore v = score_repetitions(pairs[c]);
    for (const ValidationPair& p : pairs[c]) {
      slowest = std::max(slowest, p.speed);
      fastest = std::min(fastest, p.speed);
    }
    for (double ValidationFigures::*f : kValidationFigures) {
      worst_error.*f = std::max(worst_error.*f, std::fabs(v.error_pct.*f));
      worst_spread.*f = std::max(worst_spread.*f, v.spread_pct.*f);
    }
    within += v.within(o.energy_target_pct, o.latency_target_pct);
    t.rows.push_back(
        {spec.model.name, spec.arrival.name(),
         spec.arrival.needs_rate() ? fmt::format("{:g}", spec.rate_hz) : "-",
         spec.policy.canonical(), fmt::format("{:.2f}", v.speed),
         fmt::format("{:.4g}", v.real.energy_per_image_j),
         fmt::format("{:.4g}", v.simulated.energy_per_image_j),
         fmt::format("{:+.1f} %", v.error_pct.energy_per_image_j),
         fmt::format("{:.1f}", v.real.p99_s * 1e3), fmt::format("{:.1f}", v.simulated.p99_s * 1e3),
         fmt::format("{:+.1f} %", v.error_pct.p99_s), fmt::format("{:.1f}", v.real.max_s * 1e3),
         fmt::format("{:.1f}", v.simulated.max_s * 1e3),
         fmt::format("{:+.1f} %", v.error_pct.max_s),
         reps > 1 ? fmt::format("{:.0f} %", v.spread_pct.max_s) : "-"});
  }
  // With one run there is no spread to report, and 0 % would read as runs that agreed.
  const std::string spread_line =
      reps == 1 ? ""
                : fmt::format(
                      "real runs' own spread ((max - min) / median): energy/img up to {:.0f} %, "
                      "p99 {:.0f} %, max {:.0f} %\n",
                      worst_spread.energy_per_image_j, worst_spread.p99_s, worst_spread.max_s);
  return "\n" + t.render() +
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
