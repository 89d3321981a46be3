// Fig. 2: energy per image against max response time, one model per figure. Labels are placed by
// report/label_layout.h in a frame this file fixes; the paper's points, when asked for, get a
// panel of their own beside ours (their ~3 J would squash ours into a corner), on the same
// latency axis.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "report/figure_render.h"
#include "report/gnuplot.h"
#include "report/lever_analysis.h"

namespace gb {
namespace {

using figure::file_of;
using figure::kColours;
using figure::kNumColours;
using figure::num;
using figure::write_file;

std::string seconds(double s) {
  return s < 1 ? fmt::format("{:.3g} ms", s * 1e3) : fmt::format("{:.3g} s", s);
}

bool same_config(const ConfigPoint& a, const ConfigPoint& b) {
  return a.model == b.model && a.device == b.device && a.arrival == b.arrival &&
         a.rate_hz == b.rate_hz && a.policy == b.policy && a.levers == b.levers;
}

// One panel's points, labels and hover titles, gathered before the frame is known.
struct Panel {
  std::vector<Label> labels;
  std::vector<std::string> colours;
  std::vector<HoverPoint> hover;
  std::vector<double> xs, ys;
};

// The panel's labels placed in `frame`, written to <id>_<stem>labels.dat and _leaders.dat;
// returns the plot clauses.
std::string place(const FigureOptions& o, const std::string& id, const std::string& stem,
                  const PlotFrame& frame, const Panel& p) {
  LabelStyle style;
  style.font_px = figure::kLabelFontPx;
  const auto placed = place_labels(frame, p.labels, style);
  const std::string labels = id + stem + "_labels.dat", leaders = id + stem + "_leaders.dat";
  const auto layer = figure::label_layer(labels, leaders, p.labels, placed, p.colours);
  if (layer.plot.empty()) return "";
  write_file(file_of(o, labels), layer.labels_dat);
  if (!layer.leaders_dat.empty()) write_file(file_of(o, leaders), layer.leaders_dat);
  return layer.plot;
}

}  // namespace

std::optional<Figure> draw_energy_vs_latency(const std::string& model, std::size_t number,
                                             const std::vector<ConfigPoint>& all,
                                             const std::vector<ParetoFront>& fronts,
                                             const std::vector<Recommendation>& recommendations,
                                             const FigureOptions& o, std::string* why) {
  std::vector<ConfigPoint> points;
  for (const ConfigPoint& p : all) {
    if (p.model == model) points.push_back(p);
  }
  if (points.empty()) {
    *why = "no configurations of " + model;
    return std::nullopt;
  }
  std::vector<ConfigPoint> best;
  for (const Recommendation& r : recommendations) {
    if (r.model == model && r.best) best.push_back(*r.best);
  }
  const auto is_best = [&](const ConfigPoint& p) {
    return std::any_of(best.begin(), best.end(), [&](const auto& b) { return same_config(p, b); });
  };
  const auto on_front = [&](const ConfigPoint& p) {
    return std::any_of(fronts.begin(), fronts.end(), [&](const ParetoFront& f) {
      return std::any_of(f.points.begin(), f.points.end(),
                         [&](const ConfigPoint& q) { return same_config(p, q); });
    });
  };
  const auto rates = rates_of(points);
  // A point is named by its policy and the values of the levers this model's points vary in.
  const std::vector<std::size_t> swept = swept_levers(points);
  const std::string id = fmt::format("fig2_{}", number);
  std::string data, front, paper;
  Panel ours, theirs;
  for (std::size_t i = 0; i < rates.size(); ++i) {
    const std::string colour = kColours[i % kNumColours], rate = rate_label(rates[i]);
    data += "# " + rate + ": energy_j max_s energy_ci max_ci policy\n";
    for (const ConfigPoint& p : points) {
      if (p.rate_hz != rates[i]) continue;
      const double ex = p.energy_ci95.value_or(0), ey = p.max_ci95.value_or(0);
      data += fmt::format("{} {} {} {} {}\n", num(p.energy_per_image_j), num(p.max_response_s),
                          num(ex), num(ey), dat_string(p.policy));
      ours.xs.insert(ours.xs.end(), {p.energy_per_image_j - ex, p.energy_per_image_j + ex});
      ours.ys.insert(ours.ys.end(), {p.max_response_s - ey, p.max_response_s + ey});
      // The recommended point's ring (pt 6 ps 2.4) is about 11 px across its middle.
      ours.labels.push_back({p.energy_per_image_j, p.max_response_s, combination(p, swept),
                             is_best(p)    ? 2
                             : on_front(p) ? 1
                                           : 0,
                             is_best(p) ? 11.0 : 0.0});
      ours.colours.push_back(colour);
      ours.hover.push_back({p.energy_per_image_j, p.max_response_s,
                            fmt::format("{} at {}: {:.4g} J/image, max {}, p99 {}, mean batch "
                                        "{:.3g}{}",
                                        combination(p, swept), rate, p.energy_per_image_j,
                                        seconds(p.max_response_s), seconds(p.p99_response_s),
                                        p.mean_batch_size, is_best(p) ? " (recommended)" : "")});
    }
    data += "\n\n";
    front += "# " + rate + " Pareto front\n";
    for (const ParetoFront& f : fronts) {
      if (f.model != model || f.rate_hz != rates[i]) continue;
      for (const ConfigPoint& p : f.points) {
        front += num(p.energy_per_image_j) + " " + num(p.max_response_s) + "\n";
      }
    }
    front += "\n\n";
    paper += "# paper GTX 1080 " + rate + ": energy_j max_s policy\n";
    static const std::vector<PaperPoint> kNone;
    for (const PaperPoint& p : o.compare_paper ? paper_points() : kNone) {
      if (p.model != model || !rates[i] || p.rate_hz != *rates[i] || p.repetition != 1) continue;
      paper += fmt::format("{} {} {}\n", num(p.energy_per_image_j), num(p.max_response_s),
                           dat_string(p.policy));
      theirs.xs.push_back(p.energy_per_image_j);
      theirs.ys.push_back(p.max_response_s);
      theirs.labels.push_back({p.energy_per_image_j, p.max_response_s, p.policy, 0, 0});
      theirs.colours.push_back(colour);
      theirs.hover.push_back(
          {p.energy_per_image_j, p.max_response_s,
           fmt::format("paper, GTX 1080: {} at {}: {:.4g} J/image, max {}", p.policy, rate,
                       p.energy_per_image_j, seconds(p.max_response_s))});
    }
    paper += "\n\n";
  }
  const bool with_paper = !theirs.labels.empty();
  write_file(file_of(o, id + ".dat"), data);
  write_file(file_of(o, id + "_front.dat"), front);
  if (with_paper) write_file(file_of(o, id + "_paper.dat"), paper);
  std::string marks;
  for (const ConfigPoint& b : best) {
    marks += num(b.energy_per_image_j) + " " + num(b.max_response_s) + "\n";
  }
  if (!marks.empty()) write_file(file_of(o, id + "_best.dat"), marks);

  // The frames: one latency axis for both panels, so that their heights compare.
  const int width = with_paper ? 1250 : 950, height = 620;
  std::vector<double> all_ys = ours.ys;
  all_ys.insert(all_ys.end(), theirs.ys.begin(), theirs.ys.end());
  // The budget joins the axis when it is near the points; far above or below them, it would
  // squash them into a strip, so the key says where it is instead.
  // (Key texts stay short: the key column is about 28 characters wide.)
  std::string budget = "latency budget " + seconds(o.slo_s) + " (--slo)";
  const auto [lo, hi] = std::minmax_element(all_ys.begin(), all_ys.end());
  const double ylo = *lo, yhi = *hi;
  if (o.slo_s > 3 * yhi) {
    budget = "budget " + seconds(o.slo_s) + ": above the axis";
  } else if (o.slo_s < ylo / 3) {
    budget = "budget " + seconds(o.slo_s) + ": below the axis";
  } else {
    all_ys.push_back(o.slo_s);
  }
  PlotFrame mine;
  mine.width_px = width, mine.height_px = height;
  mine.left = with_paper ? 0.07 : 0.09, mine.right = with_paper ? 0.43 : 0.71;
  mine.bottom = 0.1, mine.top = 0.9;
  mine.x = fit_axis(ours.xs, true), mine.y = fit_axis(all_ys, true);
  PlotFrame other = mine;
  other.left = 0.5, other.right = 0.77;
  other.x = fit_axis(theirs.xs, true);

  const std::string methods = figure::methods_of(points);
  std::string body = fmt::format(
      "set multiplot\nset grid\nset title {}\nset xlabel {}\nset ylabel 'max response time "
      "(s)'\nset key at screen {}, 0.9 left top Left reverse samplen 2\n",
      gp_string(model +
                (with_paper ? ": these results" : ": energy per image vs max response time")),
      gp_string("energy per image (J), " + methods),
      num((with_paper ? other.right : mine.right) + 0.02));
  body += figure::frame_commands(mine);
  std::string plot = "plot ";
  for (std::size_t i = 0; i < rates.size(); ++i) {
    const std::string colour = kColours[i % kNumColours];
    if (i) plot += ", \\\n     ";
    plot += fmt::format(
        "'{id}_front.dat' index {i} using 1:2 with lines dt 2 lw 1.5 lc rgb '{c}' notitle, "
        "'{id}.dat' index {i} using 1:2:3:4 with xyerrorbars pt 7 ps 0.9 lc rgb '{c}' title {l}",
        fmt::arg("id", id), fmt::arg("i", i), fmt::arg("c", colour),
        fmt::arg("l", gp_string(rate_label(rates[i]))));
  }
  plot += ", \\\n     NaN with lines dt 2 lw 1.5 lc rgb '#555555' title 'Pareto front of a rate'";
  plot += fmt::format(", \\\n     {} with lines dt 4 lw 2 lc rgb '#b00000' title {}", num(o.slo_s),
                      gp_string(budget));
  if (!marks.empty()) {
    plot += fmt::format(
        ", \\\n     '{}_best.dat' using 1:2 with points pt 6 ps 2.4 lw 2 lc rgb 'black' title "
        "'recommended'",
        id);
  }
  if (with_paper) {
    plot +=
        ", \\\n     NaN with points pt 6 ps 1.2 lc rgb '#555555' title 'paper, GTX 1080 (right)'";
  }
  plot += place(o, id, "", mine, ours) + "\n";
  body += plot;
  std::string overlay = hover_overlay(mine, ours.hover);
  if (with_paper) {
    body += fmt::format(
        "unset key\nset title {}\nset xlabel 'energy per image (J), the paper: nvidia-smi power'\n"
        "set ylabel ''\n",
        gp_string(model + ": the paper's GTX 1080 (for orientation)"));
    body += figure::frame_commands(other) + "plot ";
    for (std::size_t i = 0; i < rates.size(); ++i) {
      body += fmt::format(
          "{}'{}_paper.dat' index {} using 1:2 with points pt 6 ps 1.2 lc rgb '{}' "
          "notitle",
          i ? ", " : "", id, i, kColours[i % kNumColours]);
    }
    body += place(o, id, "_paper", other, theirs) + "\n";
    overlay += hover_overlay(other, theirs.hover);
  }
  body += "unset multiplot";

  std::string caption = fmt::format(
      "Each point is one configuration of {} (mean over its repetitions; bars: 95 % confidence "
      "intervals where repeated), labelled with its batching policy where there is room (hover "
      "over a point for its figures). Max response time counts from a request's scheduled arrival "
      "to the end of its batch. Dashed: the Pareto front of each rate (no other configuration is "
      "both cheaper and faster). Red line: the latency budget {}; ringed: the recommendation "
      "per rate (least energy per image with max and p99 within it). Energy: {}.",
      model, seconds(o.slo_s), methods);
  if (with_paper) {
    caption +=
        " Right: the paper's published figures for the same model at the same rates, on its GTX "
        "1080 (different hardware and harness; for orientation only), on the same latency axis.";
  }
  return figure::render(o, id, model + ": energy per image vs max response time", caption, body,
                        width, height, overlay);
}

}  // namespace gb
