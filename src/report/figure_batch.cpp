// Fig. 5: energy per image against batch size, one panel per rate, one line per model.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "report/figure_render.h"
#include "report/gnuplot.h"
#include "report/lever_analysis.h"

namespace gb {
namespace {

using figure::kColours;
using figure::kNumColours;
using figure::num;

// fixed:N without a timeout: the batch size is N, whatever the arrivals.
std::optional<std::size_t> batch_size(const ConfigPoint& p) {
  if (!p.policy_spec || p.policy_spec->kind != PolicySpec::Kind::kFixed || p.policy_spec->timeout) {
    return std::nullopt;
  }
  return p.policy_spec->size;
}

}  // namespace

std::optional<Figure> draw_energy_vs_batch_size(const std::vector<std::string>& models,
                                                const std::vector<ConfigPoint>& points,
                                                const FigureOptions& o, std::string* why) {
  // A line is a model on one device under one arrival process; its label adds those only when
  // the results hold more than one.
  std::vector<std::string> devices, arrivals;
  for (const ConfigPoint& p : points) {
    if (std::find(devices.begin(), devices.end(), p.device) == devices.end()) {
      devices.push_back(p.device);
    }
    if (std::find(arrivals.begin(), arrivals.end(), p.arrival) == arrivals.end()) {
      arrivals.push_back(p.arrival);
    }
  }
  // ... and the values of the levers swept, so that one line never mixes engines or limits.
  const std::vector<std::size_t> swept = swept_levers(points);
  const auto series_of = [&](const ConfigPoint& p) {
    std::string s = p.model;
    if (devices.size() > 1) s += ", " + p.device;
    if (arrivals.size() > 1) s += ", " + p.arrival;
    for (std::size_t d : swept) s += ", " + describe_value(d, dimension_value(p, d));
    return s;
  };
  std::vector<std::string> series;  // models in their order, then device and arrival
  for (const std::string& m : models) {
    for (const ConfigPoint& p : points) {
      if (p.model == m && batch_size(p) &&
          std::find(series.begin(), series.end(), series_of(p)) == series.end()) {
        series.push_back(series_of(p));
      }
    }
  }
  // Per rate, per series: (batch size, energy, interval), by batch size.
  struct Row {
    std::size_t n;
    double energy, ci;
  };
  std::vector<std::pair<std::optional<double>, std::vector<std::vector<Row>>>> panels;
  std::vector<double> ys, xs;
  bool any_line = false;
  for (const auto& rate : rates_of(points)) {
    std::vector<std::vector<Row>> lines(series.size());
    bool any = false;
    for (const ConfigPoint& p : points) {
      const auto n = batch_size(p);
      if (!n || p.rate_hz != rate) continue;
      const auto s = std::find(series.begin(), series.end(), series_of(p)) - series.begin();
      lines[static_cast<std::size_t>(s)].push_back(
          {*n, p.energy_per_image_j, p.energy_ci95.value_or(0)});
      ys.push_back(p.energy_per_image_j);
      xs.push_back(static_cast<double>(*n));
      any = true;
    }
    for (auto& l : lines) {
      std::sort(l.begin(), l.end(), [](const Row& a, const Row& b) { return a.n < b.n; });
      any_line = any_line || l.size() >= 2;
    }
    if (any) panels.push_back({rate, std::move(lines)});
  }
  if (!any_line) {
    *why = "no model has fixed:N configurations of two or more batch sizes at one rate";
    return std::nullopt;
  }

  std::string data;
  const std::size_t cols = panels.size() == 1 ? 1 : 2, rows = (panels.size() + cols - 1) / cols;
  const int width = 1000, height = static_cast<int>(80 + rows * 330);
  const double key_x = 0.8, top = 1 - 55.0 / height, row_h = (top - 20.0 / height) / rows;
  const double col_w = key_x / static_cast<double>(cols);
  const auto [lo, hi] = std::minmax_element(xs.begin(), xs.end());
  const Axis x{*lo / 1.4, *hi * 1.4, true};  // batch sizes double: a logarithmic axis, base 2
  const Axis y = fit_axis(ys, true, 0.08);
  std::string tics;
  std::vector<double> sizes = xs;
  std::sort(sizes.begin(), sizes.end());
  sizes.erase(std::unique(sizes.begin(), sizes.end()), sizes.end());
  for (double n : sizes) tics += (tics.empty() ? "" : ", ") + num(n);

  std::string body = fmt::format(
      "set multiplot title {}\nset grid\nset xtics ({})\n"
      "set key at screen {}, {} left top Left reverse samplen 2\n",
      gp_string("Energy per image against batch size, one panel per rate; energy: " +
                figure::methods_of(points)),
      tics, num(key_x + 0.01), num(top));
  std::size_t index = 0;
  for (std::size_t p = 0; p < panels.size(); ++p) {
    const auto& [rate, lines] = panels[p];
    PlotFrame f;
    f.width_px = width, f.height_px = height;
    const double c = static_cast<double>(p % cols), r = static_cast<double>(p / cols);
    f.left = c * col_w + 0.085, f.right = (c + 1) * col_w - 0.015;
    f.top = top - r * row_h - 30.0 / height, f.bottom = top - (r + 1) * row_h + 45.0 / height;
    f.x = x, f.y = y;
    // Axis labels on the outer panels only: an inner one would run into its neighbour.
    const bool bottom_row = p + cols >= panels.size();
    body += fmt::format("set title {}\nset xlabel '{}'\nset ylabel '{}'\n",
                        gp_string(rate_label(rate)), bottom_row ? "batch size N (fixed:N)" : "",
                        p % cols == 0 ? "energy per image (J)" : "") +
            figure::frame_commands(f) + "set logscale x 2\nplot ";
    std::string plot;
    for (std::size_t s = 0; s < series.size(); ++s) {
      if (lines[s].empty()) continue;
      data += "# " + printable(rate_label(rate) + " " + series[s]) + ": batch_size energy_j ci\n";
      for (const Row& row : lines[s]) {
        data += fmt::format("{} {} {}\n", row.n, num(row.energy), num(row.ci));
      }
      data += "\n\n";
      plot += fmt::format(
          "{}'fig5.dat' index {} using 1:2:3 with yerrorlines pt 7 ps 0.9 lw 1.5 "
          "lc rgb '{}' notitle",
          plot.empty() ? "" : ", ", index++, kColours[s % kNumColours]);
    }
    if (p == 0) {  // the key, once, for every panel: one entry per line
      for (std::size_t s = 0; s < series.size(); ++s) {
        plot += fmt::format(", NaN with linespoints pt 7 lw 1.5 lc rgb '{}' title {}",
                            kColours[s % kNumColours], gp_string(series[s]));
      }
    }
    body += plot + "\n";
    if (p == 0) body += "unset key\n";
  }
  body += "unset multiplot";
  figure::write_file(figure::file_of(o, "fig5.dat"), data);
  const std::string caption =
      "The paper's central question: how energy per image changes with the batch size. Each line "
      "is one model's fixed:N configurations (N requests per batch; other policies have no fixed "
      "size and are left out), one panel per rate, on a logarithmic batch-size axis; bars: 95 % "
      "confidence intervals where repeated. Energy: " +
      figure::methods_of(points) + ".";
  return figure::render(o, "fig5", "Energy per image against batch size", caption, body, width,
                        height);
}

}  // namespace gb
