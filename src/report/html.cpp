// The report page. Formatting only: every figure shown here was computed by the analysis
// (report/analysis.h) and every SVG drawn and made inline-ready by the figure step.
#include "report/html.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "report/escape.h"
#include "results/summary.h"

namespace gb {
namespace {

// For text and for attribute values in either quote (report/escape.h).
std::string esc(const std::string& s) { return html_escape(s); }

std::string sig(double v, int digits = 4) {
  if (!std::isfinite(v)) return "";
  return fmt::format("{:.{}g}", v, digits);
}

std::string seconds(double s) {
  return s < 1 ? fmt::format("{:.1f} ms", s * 1e3) : fmt::format("{:.3g} s", s);
}

std::string percent(const std::optional<double>& f) {
  if (!f) return "—";
  // A change that rounds to zero has no sign: greedy recommended against itself is "0 %".
  const double pct = -100 * *f;
  return std::fabs(pct) < 0.5 ? std::string("0 %") : fmt::format("{:+.0f} %", pct);
}

std::string batch_cell(const BatchGroup& g) {
  return fmt::format(
      "<td>{}</td><td class=num>{}</td><td class=num>{}</td>",
      g.batch_lo == g.batch_hi ? sig(g.batch_lo, 3) : sig(g.batch_lo, 3) + "–" + sig(g.batch_hi, 3),
      g.peak_power_w ? sig(*g.peak_power_w, 4) : "—", sig(g.average_power_w, 4));
}

// Table I, as the analysis split it.
std::string peak_power_table(const ReportContent& c) {
  std::string rows;
  for (const PeakPowerRow& r : c.peak_power) {
    rows +=
        "<tr><td>" + esc(r.model) + "</td>" + batch_cell(r.small) + batch_cell(r.large) + "</tr>\n";
  }
  if (rows.empty()) return "<p>Needs at least two configurations of a model.</p>";
  return "<table><thead><tr><th rowspan=2>model</th><th colspan=3>small batches</th><th "
         "colspan=3>large batches</th></tr><tr><th>mean batch</th><th>peak power (W)</th><th>avg "
         "power (W)</th><th>mean batch</th><th>peak power (W)</th><th>avg power "
         "(W)</th></tr></thead><tbody>\n" +
         rows + "</tbody></table>";
}

// Why peak power is empty where it is, by cause: the paper's column keeps the paper's definition
// (the mean of the samples above a threshold meant for a GTX 1080), so on other hardware, under
// the estimate or in a simulation it is often empty, and a reader should not guess why.
std::string peak_power_note(const ReportContent& c) {
  std::size_t empty = 0, simulated = 0, estimated = 0;
  std::vector<ConfigPoint> measured;
  for (const ConfigPoint& p : c.points) {
    if (p.peak_power_w) continue;
    ++empty;
    if (p.simulated) {
      ++simulated;
    } else if (parse_methods({p}).has_estimate()) {
      ++estimated;
    } else {
      measured.push_back(p);
    }
  }
  if (empty == 0) return "";
  std::string why;
  if (simulated) {
    why += fmt::format(
        "<li>{} simulated configuration(s): a simulation predicts energy from a profile and "
        "records no power samples.</li>",
        simulated);
  }
  if (estimated) {
    why += fmt::format(
        "<li>{} configuration(s) under greenbatch's <code>estimate</code>: it models power as "
        "P_idle + (P_max − P_idle) × CPU utilisation, with P_max = P_idle + 8 W per logical CPU "
        "by default: 26 W on 2 CPUs, and 65 W only from 7 CPUs fully busy.</li>",
        estimated);
  }
  if (!measured.empty()) {
    why += fmt::format(
        "<li>{} measured configuration(s) ({}): no sample of the paper's domain (the GPU's on a "
        "GPU run, the CPU package's on a CPU run) exceeded the threshold.</li>",
        measured.size(), esc(energy_methods(measured)));
  }
  return fmt::format(
      "<div class=warning><b>Why {}.</b><ul>{}</ul>The column keeps the paper's definition (the "
      "mean of the samples above 65 W by default, a threshold for its GTX 1080); "
      "<code>peak_threshold_w</code> in the experiment file (or <code>--peak-threshold</code>) "
      "sets another.</div>\n",
      empty == c.points.size()
          ? "the peak power columns are empty"
          : fmt::format("{} of {} configurations have no peak power (—)", empty, c.points.size()),
      why);
}

std::string recommendations_table(const ReportContent& c) {
  std::string rows;
  for (const Recommendation& r : c.recommendations) {
    if (!r.best) {
      rows += fmt::format(
          "<tr class=none><td>{}</td><td>{}</td><td>none meets the budget</td><td "
          "class=num></td><td class=num></td><td class=num></td><td class=num></td><td "
          "class=num></td><td class=num>0 / {}</td></tr>\n",
          esc(r.model), esc(r.rate_label), r.candidates);
      continue;
    }
    const ConfigPoint& b = *r.best;
    rows += fmt::format(
        "<tr><td>{}</td><td>{}</td><td><b>{}</b></td><td class=num>{}{}</td><td "
        "class=num>{}</td><td class=num>{}</td><td class=num title='{}'>{}</td><td class=num "
        "title='{}'>{}</td><td class=num>{} / {}</td></tr>\n",
        esc(r.model), esc(r.rate_label), esc(combination(b, r.swept)), sig(b.energy_per_image_j),
        b.energy_ci95 ? " ± " + sig(*b.energy_ci95, 2) : "", seconds(b.max_response_s),
        seconds(b.p99_response_s), r.greedy ? esc(combination(*r.greedy, r.swept)) : "",
        percent(r.saving_vs_greedy), r.unbatched ? esc(combination(*r.unbatched, r.swept)) : "",
        percent(r.saving_vs_unbatched), r.within_slo, r.candidates);
  }
  return "<table class=sortable><thead><tr><th>model</th><th>rate</th><th>recommended "
         "policy</th><th>energy / image (J)</th><th>max response</th><th>p99 "
         "response</th><th>energy vs greedy</th><th>energy vs no batching</th><th>within "
         "budget</th></tr></thead><tbody>\n" +
         rows + "</tbody></table>";
}

// A cell of the configurations table: "" for a missing or null value.
std::string config_cell(const nlohmann::ordered_json& row, const std::string& name) {
  auto it = row.find(name);
  if (it == row.end() || it->is_null()) return "<td></td>";
  if (it->is_number()) return "<td class=num>" + sig(it->get<double>(), 5) + "</td>";
  if (it->is_string()) return "<td>" + esc(it->get<std::string>()) + "</td>";
  return "<td>" + esc(it->dump()) + "</td>";
}

// Every configuration, in a box that scrolls sideways rather than widening the page; a column
// empty in every row is left out and named below the table.
// One table for every workload that sweeps a lever: its default configuration, the best of each
// dimension changed alone, and the recommendation (all combined), each against the default.
std::string lever_savings_table(const ReportContent& c) {
  std::string rows;
  const auto row = [&](const LeverSavings& s, const std::string& lever, const std::string& what,
                       const std::optional<ConfigPoint>& p, const std::string& change) {
    rows += "<tr><td>" + esc(s.model) + "</td><td>" + esc(s.rate_label) + "</td><td>" + esc(lever) +
            "</td>";
    rows += p ? fmt::format(
                    "<td>{}</td><td class=num>{}</td><td class=num>{}</td><td "
                    "class=num>{}</td></tr>\n",
                    esc(what), sig(p->energy_per_image_j), seconds(p->max_response_s), change)
              : "<td>none meets the budget</td><td></td><td></td><td></td></tr>\n";
  };
  for (const LeverSavings& s : c.lever_savings) {
    if (!s.baseline) {
      rows += "<tr class=none><td>" + esc(s.model) + "</td><td>" + esc(s.rate_label) +
              "</td><td>default</td><td>greedy with every lever at its default: not "
              "measured</td><td></td><td></td><td></td></tr>\n";
      continue;
    }
    row(s, "default",
        combination(*s.baseline, s.swept) + (s.baseline_within_slo ? "" : " (misses the budget)"),
        s.baseline, "");
    for (const DimensionSaving& d : s.alone) {
      row(s, dimension_name(d.dimension) + " alone",
          d.best ? describe_value(d.dimension, dimension_value(*d.best, d.dimension)) : "", d.best,
          percent(d.saving));
    }
    row(s, "all combined", s.combined ? combination(*s.combined, s.swept) : "", s.combined,
        percent(s.combined_saving));
  }
  return "<table><thead><tr><th>model</th><th>rate</th><th>lever</th><th>configuration</th><th>"
         "energy / image (J)</th><th>max response</th><th>energy vs default</th></tr></thead>"
         "<tbody>\n" +
         rows + "</tbody></table>";
}

// The Pareto front of each value of each swept lever (report/lever_analysis.h).
std::string lever_fronts_table(const ReportContent& c) {
  std::string rows;
  for (const LeverFront& f : c.lever_fronts) {
    std::string front;
    for (const ConfigPoint& p : f.points) {
      front += (front.empty() ? "" : "<br>") +
               fmt::format("{}: {} J, {}", esc(combination(p, swept_levers(f.points))),
                           sig(p.energy_per_image_j), seconds(p.max_response_s));
    }
    rows += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
                        esc(f.model), esc(rate_label(f.rate_hz)), esc(dimension_name(f.dimension)),
                        esc(describe_value(f.dimension, f.value)), front);
  }
  return "<table><thead><tr><th>model</th><th>rate</th><th>lever</th><th>value</th><th>Pareto "
         "front (energy per image, max response), cheapest first</th></tr></thead><tbody>\n" +
         rows + "</tbody></table>";
}

std::string configurations_table(const ReportContent& c) {
  if (c.rows.empty()) return "";
  // Some of the aggregated rows' columns (export's), named through summary.h as every reader
  // names them, so that a renamed column cannot turn into an empty one here unnoticed.
  const std::string columns[] = {columns::kModel,
                                 columns::kDevice,
                                 columns::kArrival,
                                 columns::kRateHz,
                                 columns::kPolicy,
                                 columns::kRepetitions,
                                 columns::kMeanBatchSize,
                                 columns::kEnergyPerImage,
                                 columns::ci95(columns::kEnergyPerImage),
                                 columns::kEnergyDynamicPerImage,
                                 columns::kAveragePower,
                                 columns::kAveragePeakPower,
                                 columns::kP50Response,
                                 columns::kP99Response,
                                 columns::kMaxResponse,
                                 columns::kThroughput,
                                 columns::kOverloaded,
                                 columns::kEnergyMethod};
  std::vector<std::string> shown, empty;
  for (const std::string& name : columns) {
    const bool any = std::any_of(c.rows.begin(), c.rows.end(), [&](const auto& row) {
      auto it = row.find(name);
      return it != row.end() && !it->is_null();
    });
    (any ? shown : empty).push_back(name);
  }
  if (c.hardware_kinds > 1) shown.insert(shown.begin() + 1, kHardwareColumn);
  // The levers' columns, after the policy, where some lever varies.
  auto at = std::find(shown.begin(), shown.end(), columns::kPolicy);
  if (at != shown.end()) ++at;  // a file without policies: the levers go last
  for (std::size_t d : swept_levers(c.points)) at = shown.insert(at, dimension_name(d)) + 1;
  std::string out = "<div class=scroll><table class=sortable><thead><tr>";
  for (const std::string& name : shown) out += "<th>" + esc(name) + "</th>";
  out += "</tr></thead><tbody>\n";
  for (const auto& row : c.rows) {
    out += "<tr>";
    for (const std::string& name : shown) out += config_cell(row, name);
    out += "</tr>\n";
  }
  out += "</tbody></table></div>\n";
  if (!empty.empty()) {
    std::string names;
    for (const std::string& n : empty)
      names += (names.empty() ? "" : ", ") + ("<code>" + esc(n) + "</code>");
    out += "<p class=meta>Not shown, empty in every configuration: " + names +
           (std::find(empty.begin(), empty.end(), columns::kAveragePeakPower) != empty.end()
                ? " (why the peak power is empty: see the peak power section above)"
                : "") +
           ".</p>\n";
  }
  return out;
}

std::string machines_section(const ReportContent& c) {
  if (c.machines.empty()) return "<p>No machine description was recorded with these results.</p>";
  std::string out;
  for (const auto& m : c.machines) {
    out += "<table class=kv>";
    for (auto it = m.begin(); it != m.end(); ++it) {
      std::string value;
      if (it.key() == "meters") {
        for (const auto& meter : *it) {
          value += esc(meter.value("meter", "")) + ": " +
                   (meter.value("available", false) ? "available" : "unavailable") + " — " +
                   esc(meter.value("detail", "")) + "<br>";
        }
      } else if (it->is_array()) {
        for (const auto& v : *it)
          value += esc(v.is_string() ? v.get<std::string>() : v.dump()) + "<br>";
        if (it->empty()) value = "none";
      } else if (it->is_string()) {
        value = esc(it->get<std::string>());
      } else {
        value = it->is_null() ? "—" : esc(it->dump());
      }
      out += "<tr><th>" + esc(it.key()) + "</th><td>" + value + "</td></tr>";
    }
    out += "</table>\n";
  }
  return out;
}

const char* kStyle = R"css(
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 1200px; color: #222;
       padding: 0 1em; }
h1 { font-size: 1.6em; } h2 { margin-top: 2em; border-bottom: 1px solid #ccc; }
table { border-collapse: collapse; margin: 1em 0; font-size: 0.9em; }
th, td { border: 1px solid #ddd; padding: 0.3em 0.6em; text-align: left; vertical-align: top; }
th { background: #f3f3f3; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
table.sortable th { cursor: pointer; } table.sortable th:hover { background: #e6e6e6; }
tr.none td { color: #a00; } table.kv th { width: 12em; }
figure { margin: 2em 0; } figure svg { max-width: 100%; height: auto; border: 1px solid #eee; }
figcaption { color: #444; font-size: 0.9em; max-width: 60em; }
.scroll { overflow-x: auto; max-width: 100%; } .scroll table { margin: 0; }
svg .gb-hover circle:hover { fill-opacity: 0.2; }
.warning { background: #fff3cd; border: 1px solid #e0c060; padding: 0.8em 1em; }
.meta { color: #555; } pre { background: #f7f7f7; padding: 1em; overflow-x: auto; }
)css";

// Sorting by clicking a header; and a self-check the tests read: every figure's SVG has a
// non-empty box, and no script error happened.
const char* kScript = R"js(
window.gbErrors = [];
window.addEventListener('error', function (e) { window.gbErrors.push(String(e.message)); });
function gbSort(th) {
  var table = th.closest('table'), body = table.tBodies[0];
  var col = Array.prototype.indexOf.call(th.parentNode.children, th);
  var asc = th.dataset.order !== 'asc'; th.dataset.order = asc ? 'asc' : 'desc';
  var rows = Array.prototype.slice.call(body.rows);
  rows.sort(function (a, b) {
    var x = a.cells[col].textContent, y = b.cells[col].textContent;
    var nx = parseFloat(x), ny = parseFloat(y);
    var c = (!isNaN(nx) && !isNaN(ny)) ? nx - ny : x.localeCompare(y);
    return asc ? c : -c;
  });
  rows.forEach(function (r) { body.appendChild(r); });
}
document.addEventListener('DOMContentLoaded', function () {
  document.querySelectorAll('table.sortable thead th').forEach(function (th) {
    th.addEventListener('click', function () { gbSort(th); });
  });
  var figs = document.querySelectorAll('figure svg'), ok = 0;
  figs.forEach(function (svg) { var b = svg.getBBox(); if (b.width > 0 && b.height > 0) ok++; });
  document.body.setAttribute('data-figures', figs.length);
  document.body.setAttribute('data-figures-rendered', ok);
  document.body.setAttribute('data-errors', window.gbErrors.join(' | '));
});
)js";

}  // namespace

std::string render_html(const ReportContent& c) {
  std::string versions;
  for (const std::string& v : c.versions) versions += (versions.empty() ? "" : ", ") + v;

  std::string html = "<!DOCTYPE html>\n<html lang=en>\n<head>\n<meta charset=utf-8>\n<title>" +
                     esc("greenbatch report: " + c.title) + "</title>\n<style>" + kStyle +
                     "</style>\n<script>" + kScript + "</script>\n</head>\n<body>\n";
  html += "<h1>greenbatch report: " + esc(c.title) + "</h1>\n";
  html += fmt::format(
      "<p class=meta>{} configurations of {} model(s) from <code>{}</code>; greenbatch {}; "
      "latency budget (SLO) {} on max and p99 response time.</p>\n",
      c.points.size(), c.models.size(), esc(c.options.input), esc(versions),
      seconds(c.options.slo_s));
  if (c.estimated_energy) {
    html +=
        "<p class=warning><b>Estimated energy.</b> Some or all energy figures here come from "
        "greenbatch's CPU-utilisation model (method <code>estimate</code>), because no energy "
        "counter was available. They rank configurations by CPU time; they are <b>not "
        "measurements</b>.</p>\n";
  }
  if (c.overloaded > 0) {
    html += fmt::format(
        "<p class=warning><b>Overloaded configurations.</b> {} configuration(s) (column "
        "<code>overloaded</code>) were served at under 90 % of the rate their requests arrived "
        "at: the queue grew through the run, so their response times measure the backlog, not "
        "the policy.</p>\n",
        c.overloaded);
  }
  if (c.hardware_kinds > 1) {
    html += fmt::format(
        "<p class=warning><b>Mixed hardware.</b> These results were measured on {} kinds of "
        "hardware (merged with <code>--allow-mixed-hardware</code>; column <code>hardware</code> "
        "of the configurations, and the machines below): compare energy and response times only "
        "between configurations of one.</p>\n",
        c.hardware_kinds);
  }
  if (c.simulated) {
    html +=
        "<p class=warning><b>Simulated configurations.</b> Rows marked simulated were predicted "
        "from a profile, not run.</p>\n";
  }

  html += "<h2 id=recommendations>Recommendations</h2>\n";
  html +=
      "<p>Per model and rate: among the configurations whose max and p99 response time meet the "
      "budget, the one with the least energy per image (the paper's procedure, made precise). "
      "Energy changes are relative to greedy batching and to no batching (batches of one), where "
      "those were measured; negative is a saving.</p>\n";
  html += recommendations_table(c);
  if (!c.lever_savings.empty()) {
    html += "<h2 id=levers>Levers</h2>\n";
    html +=
        "<p>Each lever alone and all combined, against the default configuration (greedy "
        "batching with every lever at its default: eager, fp32, the machine's thread count, the "
        "GPU as it was): "
        "the least energy per image within the budget when only that lever moves, and the "
        "recommendation above, which moves all of them (docs/report.md, \"Levers\").</p>\n";
    html += lever_savings_table(c);
    html += "<h3 id=lever-fronts>Pareto fronts per lever</h3>\n";
    html += lever_fronts_table(c);
  }

  html += "<h2 id=figures>Figures</h2>\n";
  for (const Figure& f : c.figures) {
    html += "<figure id=\"" + esc(f.id) + "\">\n" + f.svg + "\n<figcaption><b>" + esc(f.title) +
            ".</b> " + esc(f.caption) + " (<a href=\"" +
            esc(std::filesystem::path(f.svg_path).filename().string()) + "\">SVG</a>, <a href=\"" +
            esc(std::filesystem::path(f.png_path).filename().string()) +
            "\">PNG</a>)</figcaption>\n</figure>\n";
  }

  html += "<h2 id=peak-power>Peak power at small and large batches (the paper's Table I)</h2>\n";
  html +=
      "<p>Each model's configurations split at the median of their mean batch sizes. Peak power "
      "is the mean of the power samples above the peak threshold (65 W by default, the paper's); "
      "— where no sample exceeded it.</p>\n";
  html += peak_power_note(c);
  html += peak_power_table(c);

  html += "<h2 id=configurations>All configurations</h2>\n<p>Click a column to sort.</p>\n";
  html += configurations_table(c);

  html += "<h2 id=machine>Machine</h2>\n" + machines_section(c);
  if (!c.experiment_text.empty()) {
    html += "<h2 id=experiment>Experiment file</h2>\n<pre>" + esc(c.experiment_text) + "</pre>\n";
  }
  if (!c.notes.empty()) {
    html += "<h2 id=notes>Notes</h2>\n<ul>\n";
    for (const std::string& n : c.notes) html += "<li>" + esc(n) + "</li>\n";
    html += "</ul>\n";
  }
  html += "</body>\n</html>\n";
  return html;
}

}  // namespace gb
