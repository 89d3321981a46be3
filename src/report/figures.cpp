#include "report/figures.h"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>

#include "common/errors.h"
#include "common/files.h"
#include "models/model_info.h"
#include "report/gnuplot.h"

namespace gb {
namespace fs = std::filesystem;
namespace {

const char* const kColours[] = {"#1b9e77", "#d95f02", "#7570b3", "#e7298a",
                                "#66a61e", "#e6ab02", "#a6761d", "#666666"};
constexpr std::size_t kNumColours = sizeof(kColours) / sizeof(kColours[0]);

// The path of one of a figure's files. Every name is made here from a figure's id (fig2_<n>, fig3,
// fig4), never from the results, so the report writes only inside its output folder; checked.
fs::path file_of(const FigureOptions& o, const std::string& name) {
  static const std::regex kSafe("fig[0-9]+(_[0-9]+)?(_front|_paper)?\\.(dat|gp|svg|png|log)");
  if (!std::regex_match(name, kSafe)) {
    throw std::logic_error("figure file name '" + printable(name) + "' is not one of ours");
  }
  return fs::path(o.dir) / name;
}

std::string num(double v) { return std::isfinite(v) ? fmt::format("{:.9g}", v) : "NaN"; }

// Atomic, so that a report interrupted while drawing never leaves a half-written script or data
// file next to the figures of an earlier report (failures are RunErrors naming the file).
void write_file(const fs::path& p, const std::string& text) {
  write_file_atomically(p.string(), text);
}

// Draws `body` (gnuplot commands ending in a plot) to <dir>/<id>.svg and .png.
Figure render(const FigureOptions& o, const std::string& id, const std::string& title,
              const std::string& caption, const std::string& body, int width = 900,
              int height = 600) {
  const std::string script = fmt::format(
      "# greenbatch report: {title}\n"
      "set terminal svg size {w},{h} noenhanced font 'sans,12' background rgb 'white'\n"
      "set output '{id}.svg'\n"
      "set datafile missing 'NaN'\n"
      "{body}\n"
      "set terminal pngcairo size {w},{h} noenhanced font 'sans,10' background rgb 'white'\n"
      "set output '{id}.png'\n"
      "replot\n"
      "unset output\n",
      fmt::arg("title", printable(title)), fmt::arg("w", width), fmt::arg("h", height),
      fmt::arg("id", id), fmt::arg("body", body));
  write_file(file_of(o, id + ".gp"), script);
  const std::string log = file_of(o, id + ".log").string();
  const int code = run_gnuplot(o.dir, id + ".gp", id + ".log");
  if (code == 127) {
    throw RunError("gnuplot not found: install gnuplot-nox (scripts/setup.sh does)");
  }
  if (code != 0) {
    std::ifstream in(log);
    std::string line, first;
    while (std::getline(in, line)) {
      if (!line.empty() && line.find_first_not_of(" ^") != std::string::npos) {
        first = line;
        if (line.find("rror") != std::string::npos || line.find("line") != std::string::npos) {
          break;
        }
      }
    }
    throw RunError(fmt::format("gnuplot failed on {}/{}.gp: {}", o.dir, id, first));
  }
  fs::remove(log);
  const fs::path svg_path = file_of(o, id + ".svg");
  std::ifstream in(svg_path);
  std::stringstream text;
  text << in.rdbuf();
  // gnuplot exits 0 even when its output was cut short (a full disk): an SVG without its closing
  // tag is not a figure.
  const std::string document = text.str();
  if (document.find("</svg>") == std::string::npos) {
    throw RunError("gnuplot wrote an incomplete " + svg_path.string() +
                   " (no closing </svg>; is the disk full?)");
  }
  std::string svg = prefix_svg_ids(document, id + "-");
  if (svg.empty()) throw RunError("gnuplot wrote no SVG element to " + svg_path.string());
  return {id, title, caption, svg_path.string(), file_of(o, id + ".png").string(), std::move(svg)};
}

// The methods, for an axis label or caption, with estimates called what they are.
std::string methods_of(const std::vector<ConfigPoint>& points) {
  return energy_methods(points) + estimate_note(parse_methods(points));
}

bool wide(double lo, double hi) { return lo > 0 && hi / lo > 30; }

}  // namespace

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

std::optional<Figure> draw_energy_vs_latency(const std::string& model, std::size_t number,
                                             const std::vector<ConfigPoint>& all,
                                             const std::vector<ParetoFront>& fronts,
                                             const FigureOptions& o, std::string* why) {
  std::vector<ConfigPoint> points;
  for (const ConfigPoint& p : all) {
    if (p.model == model) points.push_back(p);
  }
  if (points.empty()) {
    *why = "no configurations of " + model;
    return std::nullopt;
  }
  const auto rates = rates_of(points);
  const std::string id = fmt::format("fig2_{}", number);
  std::string data, front, paper;
  double xlo = INFINITY, xhi = 0, ylo = INFINITY, yhi = 0;
  const auto extend = [&](double x, double y) {
    xlo = std::min(xlo, x), xhi = std::max(xhi, x), ylo = std::min(ylo, y), yhi = std::max(yhi, y);
  };
  bool any_paper = false;
  for (const auto& rate : rates) {
    std::vector<ConfigPoint> at_rate;
    for (const ConfigPoint& p : points) {
      if (p.rate_hz == rate) at_rate.push_back(p);
    }
    data += "# " + rate_label(rate) + ": energy_j max_s energy_ci max_ci policy\n";
    for (const ConfigPoint& p : at_rate) {
      data += fmt::format("{} {} {} {} {}\n", num(p.energy_per_image_j), num(p.max_response_s),
                          num(p.energy_ci95.value_or(0)), num(p.max_ci95.value_or(0)),
                          dat_string(p.policy));
      extend(p.energy_per_image_j, p.max_response_s);
    }
    data += "\n\n";
    front += "# " + rate_label(rate) + " Pareto front\n";
    for (const ParetoFront& f : fronts) {
      if (f.model != model || f.rate_hz != rate) continue;
      for (const ConfigPoint& p : f.points) {
        front += num(p.energy_per_image_j) + " " + num(p.max_response_s) + "\n";
      }
    }
    front += "\n\n";
    paper += "# paper GTX 1080 " + rate_label(rate) + ": energy_j max_s policy\n";
    if (o.compare_paper && rate) {
      for (const PaperPoint& p : paper_points()) {
        if (p.model != model || p.rate_hz != *rate || p.repetition != 1) continue;
        paper += fmt::format("{} {} {}\n", num(p.energy_per_image_j), num(p.max_response_s),
                             dat_string(p.policy));
        extend(p.energy_per_image_j, p.max_response_s);
        any_paper = true;
      }
    }
    paper += "\n\n";
  }
  write_file(file_of(o, id + ".dat"), data);
  write_file(file_of(o, id + "_front.dat"), front);
  if (any_paper) write_file(file_of(o, id + "_paper.dat"), paper);

  std::string body = fmt::format(
      "set title {}\nset xlabel {}\nset ylabel 'max response time (s), scheduled arrival to end of "
      "batch'\nset grid\nset key outside right top\nset offsets graph 0.05, graph 0.15, graph "
      "0.1, graph 0.1\n",
      gp_string(model + ": energy per image vs max response time"),
      gp_string("energy per image (J), " + methods_of(points)));
  if (wide(xlo, xhi)) body += "set logscale x\n";
  if (wide(ylo, yhi)) body += "set logscale y\n";
  std::string plot = "plot ";
  for (std::size_t i = 0; i < rates.size(); ++i) {
    const std::string colour = kColours[i % kNumColours];
    const std::string label = rate_label(rates[i]);
    if (i) plot += ", \\\n     ";
    plot += fmt::format(
        "'{id}.dat' index {i} using 1:2:3:4 with xyerrorbars pt 7 ps 0.9 lc rgb '{c}' title {l}, "
        "'{id}.dat' index {i} using 1:2:5 with labels left offset char 0.5,0.5 font ',8' tc rgb "
        "'{c}' notitle, "
        "'{id}_front.dat' index {i} using 1:2 with lines dt 2 lw 1.5 lc rgb '{c}' title {f}",
        fmt::arg("id", id), fmt::arg("i", i), fmt::arg("c", colour),
        fmt::arg("l", gp_string(label)), fmt::arg("f", gp_string(label + " Pareto front")));
    if (any_paper && rates[i]) {
      plot += fmt::format(
          ", '{id}_paper.dat' index {i} using 1:2 with points pt 6 ps 1.2 lc rgb '{c}' title {l}",
          fmt::arg("id", id), fmt::arg("i", i), fmt::arg("c", colour),
          fmt::arg("l", gp_string("paper, GTX 1080, " + label)));
    }
  }
  std::string caption = fmt::format(
      "Each point is one configuration of {} (mean over its repetitions; bars: 95 % confidence "
      "intervals where repeated), labelled with its batching policy. Dashed: the Pareto front of "
      "each rate (no other configuration is both cheaper and faster). Energy: {}.",
      model, methods_of(points));
  if (any_paper) {
    caption +=
        " Hollow circles: the paper's published figures for the same model, on its GTX 1080 "
        "(different hardware and harness; for orientation only).";
  }
  return render(o, id, model + ": energy per image vs max response time", caption, body + plot);
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
      gp_string("energy per image (J), " + methods_of(points)), wide(lo, hi) ? num(lo / 2) : "0");
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
      methods_of(points) + ".";
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
  std::string data = "model " + dat_string("energy per image (" + methods_of(points) + ")") +
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
      methods_of(points) +
      ") and of its published ImageNet-1K top-1 accuracy (torchvision's figures), relative to "
      "AlexNet. The paper's Fig. 4 question: did energy grow faster than accuracy?";
  return render(o, "fig4", "Energy and accuracy relative to AlexNet", caption, body, 1000, 600);
}

std::vector<Figure> draw_figures(const ReportAnalysis& a, const FigureOptions& o,
                                 std::vector<std::string>* notes) {
  std::vector<Figure> figures;
  std::string why;
  std::size_t number = 0;  // Fig. 2 of each model, numbered in model order: fig2_1, fig2_2, ...
  for (const std::string& m : a.models) {
    ++number;
    if (auto f = draw_energy_vs_latency(m, number, a.points, a.fronts, o, &why)) {
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
  return figures;
}

}  // namespace gb
