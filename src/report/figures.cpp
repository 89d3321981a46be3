// Fig. 3 and Fig. 4, the page's order of every figure, and the SVG id prefix. Fig. 2 is in
// figure_latency.cpp, Fig. 5 in figure_batch.cpp, Fig. 6 in figure_power.cpp; what they share in
// figure_render.h.
#include "report/figures.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <regex>

#include "models/model_info.h"
#include "report/figure_render.h"
#include "report/gnuplot.h"

namespace gb {

using figure::file_of;
using figure::kColours;
using figure::kNumColours;
using figure::num;
using figure::render;
using figure::wide;
using figure::write_file;

std::string prefix_svg_ids(const std::string& svg_document, const std::string& prefix) {
  const auto start = svg_document.find("<svg");
  if (start == std::string::npos) return "";
  std::string svg = svg_document.substr(start);
  std::string p;  // as regex_replace's format: a '$' in the prefix is literal
  for (char c : prefix) p += c == '$' ? std::string("$$") : std::string(1, c);
  // gnuplot quotes ids and references with either quote character.
  svg = std::regex_replace(svg, std::regex("\\bid=([\"'])"), "id=$1" + p);
  svg = std::regex_replace(svg, std::regex("href=([\"'])#"), "href=$1#" + p);
  return std::regex_replace(svg, std::regex("url\\(#([^)]+)\\)"), "url(#" + p + "$1)");
}

std::optional<Figure> draw_energy_per_model(const std::vector<std::string>& models,
                                            const std::vector<ConfigPoint>& points,
                                            const FigureOptions& o, std::string* why) {
  const auto rates = rates_of(points);
  if (models.empty() || rates.empty()) {
    *why = "no configurations";
    return std::nullopt;
  }
  std::vector<double> paper_rates;
  if (o.compare_paper) {
    for (const auto& r : rates) {
      if (!r) continue;
      const bool in_paper = std::any_of(paper_points().begin(), paper_points().end(),
                                        [&](const PaperPoint& p) { return p.rate_hz == *r; });
      if (in_paper) paper_rates.push_back(*r);
    }
  }
  const auto paper_mean = [](const std::string& model, double rate) -> std::optional<double> {
    double sum = 0;
    int n = 0;
    for (const PaperPoint& p : paper_points()) {
      if (p.model == model && p.rate_hz == rate && p.repetition == 1)
        sum += p.energy_per_image_j, ++n;
    }
    if (n == 0) return std::nullopt;
    return sum / n;
  };
  std::string data = "model";
  for (const auto& r : rates) data += " " + dat_string(rate_label(r));
  for (double r : paper_rates) data += " " + dat_string("paper GTX 1080, " + rate_label(r));
  data += "\n";
  double lo = INFINITY, hi = 0;
  for (const std::string& m : models) {
    data += dat_string(m);
    for (const auto& r : rates) {
      const auto e = mean_energy(points, m, r);
      data += " " + num(e.value_or(NAN));
      if (e && *e > 0) lo = std::min(lo, *e), hi = std::max(hi, *e);
    }
    for (double r : paper_rates) {
      const auto e = paper_mean(m, r);
      data += " " + num(e.value_or(NAN));
      if (e && *e > 0) lo = std::min(lo, *e), hi = std::max(hi, *e);
    }
    data += "\n";
  }
  write_file(file_of(o, "fig3.dat"), data);
  const std::size_t ours = rates.size(), columns = ours + paper_rates.size();
  std::string body = fmt::format(
      "set title 'Mean energy per image per model, averaged over batching policies'\n"
      "set ylabel {}\nset style data histogram\nset style histogram clustered gap 1\n"
      "set style fill solid 0.85 border -1\nset boxwidth 0.9\nset grid ytics\nset key outside "
      "right top\nset xtics rotate by -30\nset yrange [{}:*]\n",
      gp_string("energy per image (J), " + figure::methods_of(points)),
      wide(lo, hi) ? num(lo / 2) : "0");
  if (wide(lo, hi)) body += "set logscale y\n";
  std::string plot = "plot ";
  for (std::size_t c = 0; c < columns; ++c) {
    if (c) plot += ", ";
    const bool paper = c >= ours;
    plot += fmt::format("'fig3.dat' using {}:xtic(1) title columnheader({}) lc rgb '{}'{}", c + 2,
                        c + 2, kColours[(paper ? c - ours : c) % kNumColours],
                        paper ? " fill pattern 4 border rgb '#333333'" : "");
  }
  std::string caption =
      "Models in publication-year order; each bar is the mean energy per image over the model's "
      "configurations at that rate. Energy: " +
      figure::methods_of(points) + ".";
  if (!paper_rates.empty()) {
    caption +=
        " Hatched: the paper's published means on its GTX 1080 (different hardware; for "
        "orientation only).";
  }
  return render(o, "fig3", "Energy per image per model", caption, body + plot, 1000, 600);
}

std::optional<Figure> draw_change_vs_alexnet(const std::vector<std::string>& models,
                                             const std::vector<ConfigPoint>& points,
                                             const FigureOptions& o, std::string* why) {
  const auto base = mean_energy(points, "alexnet");
  const ModelInfo* alexnet = find_builtin("alexnet");
  if (!base || *base <= 0) {
    *why = "the sweep has no alexnet configurations to compare against";
    return std::nullopt;
  }
  std::string data = "model " +
                     dat_string("energy per image (" + figure::methods_of(points) + ")") +
                     " \"ImageNet top-1\"\n";
  int rows = 0;
  for (const std::string& m : models) {
    const ModelInfo* info = find_builtin(m);
    const auto e = mean_energy(points, m);
    if (m == "alexnet" || !info || !e) continue;
    data += fmt::format("{} {} {}\n", dat_string(m), num(100 * (*e / *base - 1)),
                        num(100 * (info->top1 / alexnet->top1 - 1)));
    ++rows;
  }
  if (rows == 0) {
    *why = "no built-in model besides alexnet to compare";
    return std::nullopt;
  }
  write_file(file_of(o, "fig4.dat"), data);
  const std::string body = fmt::format(
      "set title 'Change relative to AlexNet (2012)'\nset ylabel 'change vs alexnet (%)'\n"
      "set style data histogram\nset style histogram clustered gap 1\nset style fill solid 0.85 "
      "border -1\nset boxwidth 0.9\nset grid ytics\nset key outside right top\nset xtics rotate "
      "by -30\nset xzeroaxis lt -1\n"
      "plot 'fig4.dat' using 2:xtic(1) title columnheader(2) lc rgb '{}', '' using 3 title "
      "columnheader(3) lc rgb '{}'",
      kColours[1], kColours[2]);
  const std::string caption =
      "For each model (publication-year order), the change of its mean energy per image (over "
      "all its configurations; " +
      figure::methods_of(points) +
      ") and of its published ImageNet-1K top-1 accuracy (torchvision's figures), relative to "
      "AlexNet. The paper's Fig. 4 question: did energy grow faster than accuracy?";
  return render(o, "fig4", "Energy and accuracy relative to AlexNet", caption, body, 1000, 600);
}

std::vector<Figure> draw_figures(const ReportAnalysis& a, const FigureOptions& o,
                                 const std::optional<TimelineFigure>& timeline,
                                 std::vector<std::string>* notes) {
  std::vector<Figure> figures;
  std::string why;
  std::size_t number = 0;  // Fig. 2 of each model, numbered in model order: fig2_1, fig2_2, ...
  for (const std::string& m : a.models) {
    ++number;
    if (auto f =
            draw_energy_vs_latency(m, number, a.points, a.fronts, a.recommendations, o, &why)) {
      figures.push_back(*f);
    }
  }
  if (auto f = draw_energy_per_model(a.models, a.points, o, &why)) {
    figures.push_back(*f);
  } else {
    notes->push_back("Energy per model (Fig. 3) not drawn: " + why + ".");
  }
  if (auto f = draw_change_vs_alexnet(a.models, a.points, o, &why)) {
    figures.push_back(*f);
  } else {
    notes->push_back("Change relative to AlexNet (Fig. 4) not drawn: " + why + ".");
  }
  if (auto f = draw_energy_vs_batch_size(a.models, a.points, o, &why)) {
    figures.push_back(*f);
  } else {
    notes->push_back("Energy per image against batch size (Fig. 5) not drawn: " + why + ".");
  }
  if (timeline) {
    if (auto f =
            draw_power_timeline(timeline->timeline, timeline->what, timeline->method, o, &why)) {
      figures.push_back(*f);
    } else {
      notes->push_back("Power over time (Fig. 6) not drawn: " + why + ".");
    }
  }
  return figures;
}

}  // namespace gb
