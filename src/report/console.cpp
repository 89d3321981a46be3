#include "report/console.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <tuple>

#include "common/control_chars.h"
#include "common/text_table.h"
#include "common/version.h"
#include "report/columns.h"
#include "results/levers.h"
#include "workload/arrivals.h"

namespace gb {

namespace {

template <typename F>
std::vector<double> each(const std::vector<RunSummary>& runs, F f) {
  std::vector<double> out;
  for (const RunSummary& s : runs) out.push_back(f(s));
  return out;
}

template <typename F>
std::vector<std::string> cells(const std::vector<RunSummary>& runs, F f) {
  std::vector<std::string> out;
  for (const RunSummary& s : runs) out.push_back(f(s));
  return out;
}

std::string rate_cell(const RunSummary& s) {
  return s.spec.arrival.needs_rate() ? fmt::format("{:g}", s.spec.rate_hz) : s.spec.arrival.name();
}

void add_capacity(Columns& c, const std::vector<RunSummary>& runs, int drop) {
  c.quantity("capacity",
             each(runs, [](const RunSummary& s) { return s.capacity_rps.value_or(std::nan("")); }),
             "/s", drop);
}

// The max response, marked where the run fell behind its arrivals (see overload_note): that is
// where a backlog shows, and the column is never left out.
void add_max_response(Columns& c, const std::vector<RunSummary>& runs) {
  c.quantity(
      "max", each(runs, [](const RunSummary& s) { return s.response_s.max; }), "s", 0,
      cells(runs, [](const RunSummary& s) { return std::string(s.overloaded ? " !" : ""); }));
}

// One line under a table with overloaded runs, so a backlog is never read as a policy's latency.
std::string overload_note(const std::vector<RunSummary>& runs) {
  const auto n =
      std::count_if(runs.begin(), runs.end(), [](const RunSummary& s) { return s.overloaded; });
  if (n == 0) return "";
  return fmt::format(
      "! overloaded ({} of {}): capacity (requests per second of service) under 90 % of the "
      "offered rate, so the queue grew all run and the response times measure the backlog\n",
      n, runs.size());
}

// What happened to the requests of runs driven over HTTP (greenbatch load), one line per run:
// none is dropped silently.
std::string load_note(const std::vector<RunSummary>& runs) {
  std::string out;
  for (const RunSummary& s : runs) {
    if (!s.load) continue;
    const LoadFigures& l = *s.load;
    std::string why;
    for (const auto& [code, n] : l.statuses) why += fmt::format(", {} x HTTP {}", n, code);
    if (l.timed_out) why += fmt::format(", {} timed out", l.timed_out);
    if (l.connection_errors) why += fmt::format(", {} connection errors", l.connection_errors);
    if (l.bad_answers) why += fmt::format(", {} bad answers", l.bad_answers);
    out += fmt::format("load {} at {}/s: {} sent, {} answered, {} failed{}{}\n", s.policy,
                       fmt::format("{:g}", s.spec.rate_hz), l.sent, l.answered, l.failed(),
                       why.empty() ? "" : " (" + why.substr(2) + ")",
                       l.errors.empty() ? "" : "; first: " + l.errors.front());
  }
  if (!runs.empty() && runs.front().load) {
    const LoadFigures& l = *runs.front().load;
    out += fmt::format("server: {} at {}; sent as {}; energy: {}\n", l.server, l.url, l.sent_as,
                       l.energy_scope);
    if (!l.server_batches) out += "batches: not reported by this server (-)\n";
  }
  return out;
}

// Whether the runs' lever values differ (a run command given several power limits).
bool levers_vary(const std::vector<RunSummary>& runs) {
  return std::any_of(runs.begin(), runs.end(), [&](const RunSummary& s) {
    return describe_levers(s.spec) != describe_levers(runs.front().spec);
  });
}

// A "levers" column: each run's levers off their baselines in the report's words, "-" for none.
void add_levers(Columns& c, const std::vector<RunSummary>& runs, bool wrap) {
  c.text("levers",
         cells(runs,
               [](const RunSummary& s) {
                 const std::string levers = brief_levers(s.spec);
                 return levers.empty() ? std::string("-") : levers;
               }),
         0, wrap);
}

// "idle baseline: 300.00 W"; per GPU setting where runs set one ("..., 200 W: 200.00 W").
std::string idle_baselines(const std::vector<RunSummary>& runs) {
  std::vector<std::pair<std::string, double>> seen;
  for (const RunSummary& s : runs) {
    const auto w = s.energy.idle_power_w();
    const std::string label = s.spec.gpu.label();
    if (!w ||
        std::any_of(seen.begin(), seen.end(), [&](const auto& p) { return p.first == label; }))
      continue;
    seen.emplace_back(label, *w);
  }
  if (seen.size() == 1) return fmt::format("{:.2f} W", seen.front().second);
  std::string out;
  for (const auto& [label, w] : seen)
    out += fmt::format("{}{}: {:.2f} W", out.empty() ? "" : ", ", label, w);
  return out + " (by GPU setting)";
}

}  // namespace

std::string run_results_text(const std::vector<RunSummary>& results, const std::string& out_dir,
                             std::size_t width) {
  if (results.empty()) return "";
  const RunSummary& first = results.front();
  const bool has_idle = first.energy.idle_power_w().has_value();
  const auto per_image = [](std::optional<double> j, const RunSummary& s) {
    return j.value_or(0) / static_cast<double>(s.requests);
  };
  // Left out first when the table is too wide: the counts and splits a reader can do without.
  Columns c(results.size());
  c.text("policy", cells(results, [](const RunSummary& s) { return s.policy; }), 0, true);
  // The levers in the head where every run shares them, else a column.
  const bool vary = levers_vary(results);
  if (vary) add_levers(c, results, false);
  c.count("rate (Hz)", cells(results, rate_cell));
  // A load run knows the server's batches only when the server reports them, and energy only
  // where this machine's meters see the server: "-" otherwise, never 0.
  const auto batches = [](const RunSummary& s) { return !s.load || s.load->server_batches; };
  const auto measured = [](const RunSummary& s) { return !s.energy.domains.empty(); };
  const double none = std::nan("");
  c.count("batches",
          cells(results,
                [&](const RunSummary& s) { return batches(s) ? std::to_string(s.batches) : "-"; }),
          7);
  c.count("mean batch", cells(results, [&](const RunSummary& s) {
            return batches(s) ? fmt::format("{:.1f}", s.mean_batch_size) : "-";
          }));
  c.quantity("energy/img",
             each(results,
                  [&](const RunSummary& s) { return measured(s) ? s.energy_per_image_j() : none; }),
             "J");
  if (has_idle) {
    c.quantity("idle/img",
               each(results, [&](const RunSummary& s) { return per_image(s.energy.idle_j(), s); }),
               "J", 5);
    c.quantity(
        "dynamic/img",
        each(results, [&](const RunSummary& s) { return per_image(s.energy.dynamic_j(), s); }), "J",
        3);
  }
  c.quantity(
      "avg power",
      each(results, [&](const RunSummary& s) { return measured(s) ? s.average_power_w() : none; }),
      "W", 2);
  c.quantity("p50", each(results, [](const RunSummary& s) { return s.response_s.p50; }), "s", 6);
  c.quantity("p99", each(results, [](const RunSummary& s) { return s.response_s.p99; }), "s");
  add_max_response(c, results);
  c.quantity("throughput", each(results, [](const RunSummary& s) { return s.throughput_rps; }),
             "/s");
  add_capacity(c, results, 4);
  const std::string method = first.energy.method();
  const std::string levers = vary ? "" : describe_levers(first.spec);
  const std::string head = fmt::format(
      "\ngreenbatch {} | {} on {} | {} arrivals | {} requests per run{}\nimages: {}\n\n", kVersion,
      first.spec.model.name, first.device_name, first.spec.arrival.name(), first.requests,
      levers.empty() ? "" : " | " + levers, first.images_source);
  std::string out;
  const NumericCost& cost = first.numeric_cost;
  if (cost.images > 0 &&
      (first.spec.engine != Engine::kEager || first.spec.precision != Precision::kFp32)) {
    out += "\n" + numeric_cost_text(first.spec.engine, first.spec.precision, cost) + "\n";
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
  out += load_note(results);
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
        "idle baseline: {} with the model loaded; energy/img is gross = idle/img + "
        "dynamic/img\n",
        idle_baselines(results));
  }
  // "results/" once, whether the folder was given with its slash or without.
  std::string folder = out_dir;
  while (folder.size() > 1 && folder.back() == '/') folder.pop_back();
  out += fmt::format("response time = scheduled arrival -> end of its batch; results in {}/\n",
                     folder);
  return fold_lines(head, width) + c.table().render(width) + fold_lines(out, width);
}

std::string run_results_json(const std::vector<RunSummary>& results) {
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const RunSummary& s : results) out.push_back(summary_row(s));
  return out.dump(2) + "\n";
}

std::string duration_words(double seconds) {
  if (seconds < 90) return fmt::format("{:.0f} s", seconds);
  if (seconds < 5400) return fmt::format("{:.1f} min", seconds / 60);
  return fmt::format("{:.1f} h", seconds / 3600);
}

std::string profile_text(const ServiceProfile& p, const std::string& path, std::size_t width) {
  const std::vector<ProfiledBatch>& bs = p.batches;
  const auto per = [&](auto f) {
    std::vector<double> out;
    for (const ProfiledBatch& b : bs) out.push_back(f(b));
    return out;
  };
  const double none = std::nan("");
  Columns c(bs.size());
  std::vector<std::string> sizes, batches;
  for (const ProfiledBatch& b : bs) {
    sizes.push_back(std::to_string(b.size));
    batches.push_back(std::to_string(b.batches));
  }
  c.count("batch", sizes);
  c.count("batches", batches, 6);
  c.quantity("service", per([](const ProfiledBatch& b) { return b.service_mean_s; }), "s");
  c.quantity("p99", per([](const ProfiledBatch& b) { return b.service_p99_s; }), "s", 5);
  c.quantity("energy/batch", per([](const ProfiledBatch& b) { return b.energy_j; }), "J", 4);
  c.quantity("energy/img", per([](const ProfiledBatch& b) { return b.energy_j / b.size; }), "J");
  c.quantity("dynamic/img", per([](const ProfiledBatch& b) { return b.dynamic_j / b.size; }), "J");
  c.quantity("isolated", per([&](const ProfiledBatch& b) {
               return b.has_isolated() ? b.service_isolated_mean_s : none;
             }),
             "s", 3);
  c.quantity("isolated dyn/img", per([&](const ProfiledBatch& b) {
               return b.has_isolated() ? b.dynamic_isolated_j / b.size : none;
             }),
             "J", 2);
  c.quantity("short gap", per([&](const ProfiledBatch& b) {
               return b.has_short_gap() ? b.service_short_gap_mean_s : none;
             }),
             "s", 1);
  double worst_ci = 0;
  std::size_t worst_size = 0, fewest_isolated = SIZE_MAX;
  for (const ProfiledBatch& b : bs) {
    const bool iso = b.has_isolated();
    if (b.dynamic_ci95_j && b.dynamic_j > 0 && *b.dynamic_ci95_j / b.dynamic_j > worst_ci) {
      worst_ci = *b.dynamic_ci95_j / b.dynamic_j;
      worst_size = b.size;
    }
    if (iso) fewest_isolated = std::min(fewest_isolated, b.isolated_batches);
  }
  const bool estimate = parse_energy_methods(p.energy_method).has_estimate();
  // The levers it was measured at, off their baselines (threads are in the device's name).
  const std::string measured = describe_levers(p.levers, "threads");
  const std::string at = measured.empty() ? "" : " | " + measured;
  std::string out =
      fold_lines(fmt::format("\ngreenbatch profile | {} on {}{} | idle {:.2f} W | energy: {}{}\n\n",
                             drop_controls(p.model), drop_controls(p.device_name),
                             drop_controls(at), p.idle_power_w, drop_controls(p.energy_method),
                             estimate ? " (a CPU-utilisation model, NOT a measurement)" : ""),
                 width);
  out += c.table().render(width) + "\n";
  const std::size_t windows = p.batches.empty() ? 0 : p.batches.front().windows;
  out += windows < 2 ? std::string("precision: one energy window per size, no confidence interval")
                     : fmt::format(
                           "precision: dynamic energy per batch within ±{:.1f} % (95 % confidence "
                           "over {} windows; the widest, at batch {})",
                           worst_ci * 100, windows, worst_size);
  if (fewest_isolated != SIZE_MAX) {
    out += fmt::format("; isolated p99 from {} batches or more{}", fewest_isolated,
                       fewest_isolated < 100 ? " (under 100: a rough tail)" : "");
  }
  out += fmt::format("\nprofile written to {}\n", path);
  return out;
}

std::string sweep_done_text(const std::string& name, std::size_t runs, const std::string& out_dir,
                            const std::string& store_name, const std::vector<RunSummary>& results,
                            double seconds, std::size_t width) {
  // The prose folded, the table fitted by its own rules (folding its lines would break columns).
  std::string out = fold_lines(
      fmt::format("sweep '{}' complete: {} runs in {}/{}, {} of them this session in {}\n", name,
                  runs, out_dir, store_name, results.size(), duration_words(seconds)),
      width);
  if (!results.empty()) {
    out +=
        "\n" + configurations_text(results, width) +
        fold_lines(fmt::format("\nall runs: greenbatch report {} (or export)\n", out_dir), width);
  }
  return out;
}

std::string run_result_line(const RunSummary& s) {
  const auto one = [](double v, const char* unit, int largest_prefix = 9) {
    const ScaledColumn c = scale_column({v}, unit, 3, largest_prefix);
    const std::string& cell = c.cells.front();
    if (cell.find(' ') != std::string::npos) return cell;  // it named its own unit
    return cell + (c.unit.front() == '/' ? "" : " ") + c.unit;
  };
  // A load run whose server this machine's meters cannot see has no energy: never "0 J".
  const std::string energy =
      s.energy.domains.empty() ? "energy not measured" : one(s.energy_per_image_j(), "J") + "/img";
  return fmt::format("{}, p99 {}, max {}{}, {}", energy, one(s.response_s.p99, "s", 0),
                     one(s.response_s.max, "s", 0), s.overloaded ? " (overloaded)" : "",
                     one(s.throughput_rps, "/s"));
}

std::string configurations_text(const std::vector<RunSummary>& runs, std::size_t width) {
  Columns c(runs.size());
  c.text("model", cells(runs, [](const RunSummary& s) { return s.spec.model.name; }));
  c.text("arrival", cells(runs, [](const RunSummary& s) { return s.spec.arrival.name(); }), 2);
  c.count("rate (Hz)", cells(runs, [](const RunSummary& s) {
            return s.spec.arrival.needs_rate() ? fmt::format("{:g}", s.spec.rate_hz) : "-";
          }));
  c.text("policy", cells(runs, [](const RunSummary& s) { return s.policy; }), 0, true);
  // A column for the levers only where some run has one off its baseline.
  if (std::any_of(runs.begin(), runs.end(),
                  [](const RunSummary& s) { return !describe_levers(s.spec).empty(); })) {
    add_levers(c, runs, true);
  }
  c.quantity("energy/img", each(runs, [](const RunSummary& s) { return s.energy_per_image_j(); }),
             "J");
  c.quantity("p99", each(runs, [](const RunSummary& s) { return s.response_s.p99; }), "s");
  add_max_response(c, runs);
  c.count("mean batch",
          cells(runs, [](const RunSummary& s) { return fmt::format("{:.1f}", s.mean_batch_size); }),
          1);
  add_capacity(c, runs, 1);
  return c.table().render(width) + fold_lines(overload_note(runs), width);
}

}  // namespace gb
