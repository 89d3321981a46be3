#include "report/figure_render.h"

#include <fmt/format.h>

#include <cmath>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <stdexcept>

#include "common/errors.h"
#include "common/files.h"
#include "report/gnuplot.h"

namespace gb::figure {
namespace fs = std::filesystem;

fs::path file_of(const FigureOptions& o, const std::string& name) {
  static const std::regex kSafe("fig[0-9]+(_[0-9]+)?(_[a-z]+)*\\.(dat|gp|svg|png|log)");
  if (!std::regex_match(name, kSafe)) {
    throw std::logic_error("figure file name '" + printable(name) + "' is not one of ours");
  }
  return fs::path(o.dir) / name;
}

std::string num(double v) { return std::isfinite(v) ? fmt::format("{:.9g}", v) : "NaN"; }

void write_file(const fs::path& p, const std::string& text) {
  write_file_atomically(p.string(), text);
}

namespace {

// gnuplot's first error line in its log, for the message.
std::string first_error(const std::string& log) {
  std::ifstream in(log);
  std::string line, first;
  while (std::getline(in, line)) {
    if (!line.empty() && line.find_first_not_of(" ^") != std::string::npos) {
      first = line;
      if (line.find("rror") != std::string::npos || line.find("line") != std::string::npos) break;
    }
  }
  return first;
}

}  // namespace

Figure render(const FigureOptions& o, const std::string& id, const std::string& title,
              const std::string& caption, const std::string& body, int width, int height,
              const std::string& overlay) {
  const std::string script = fmt::format(
      "# greenbatch report: {title}\n"
      "set terminal svg size {w},{h} noenhanced font 'sans,12' background rgb 'white'\n"
      "set output '{id}.svg'\n"
      "set datafile missing 'NaN'\n"
      "lf = ',{svg_font}'\n"
      "{body}\n"
      "set terminal pngcairo size {w},{h} noenhanced font 'sans,10' background rgb 'white'\n"
      "set output '{id}.png'\n"
      "lf = ',{png_font}'\n"
      "{body}\n"
      "unset output\n",
      fmt::arg("title", printable(title)), fmt::arg("w", width), fmt::arg("h", height),
      fmt::arg("id", id), fmt::arg("body", body), fmt::arg("svg_font", kLabelFontPx),
      // cairo's points draw about 1.2 times the SVG terminal's pixels (10 against 12 above).
      fmt::arg("png_font", kLabelFontPx * 10 / 12));
  write_file(file_of(o, id + ".gp"), script);
  const std::string log = file_of(o, id + ".log").string();
  const int code = run_gnuplot(o.dir, id + ".gp", id + ".log");
  if (code == 127) {
    throw RunError("gnuplot not found: install gnuplot-nox (scripts/setup.sh does)");
  }
  if (code != 0) {
    throw RunError(fmt::format("gnuplot failed on {}/{}.gp: {}", o.dir, id, first_error(log)));
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
  if (!overlay.empty()) svg.insert(svg.rfind("</svg>"), overlay);
  return {id, title, caption, svg_path.string(), file_of(o, id + ".png").string(), std::move(svg)};
}

std::string methods_of(const std::vector<ConfigPoint>& points) {
  return energy_methods(points) + estimate_note(parse_methods(points));
}

bool wide(double lo, double hi) { return lo > 0 && hi / lo > 30; }

std::string frame_commands(const PlotFrame& f) {
  std::string out = fmt::format(
      "set lmargin at screen {}\nset rmargin at screen {}\nset bmargin at screen {}\n"
      "set tmargin at screen {}\n",
      num(f.left), num(f.right), num(f.bottom), num(f.top));
  out += f.x.log ? "set logscale x\n" : "unset logscale x\n";
  out += f.y.log ? "set logscale y\n" : "unset logscale y\n";
  return out + fmt::format("set xrange [{}:{}]\nset yrange [{}:{}]\n", num(f.x.min), num(f.x.max),
                           num(f.y.min), num(f.y.max));
}

LabelLayer label_layer(const std::string& labels_file, const std::string& leaders_file,
                       const std::vector<Label>& labels, const std::vector<Placement>& placed,
                       const std::vector<std::string>& colours) {
  // Blocks keyed by colour, then alignment, so each plot clause has one of each.
  std::map<std::pair<std::string, int>, std::string> text_blocks;
  std::map<std::string, std::string> leader_blocks;
  for (std::size_t i = 0; i < labels.size() && i < placed.size(); ++i) {
    const Placement& p = placed[i];
    if (!p.placed) continue;
    text_blocks[{colours[i], static_cast<int>(p.align)}] +=
        fmt::format("{} {} {}\n", num(p.x), num(p.y), dat_string(labels[i].text));
    if (p.leader) {
      leader_blocks[colours[i]] += fmt::format("{} {}\n{} {}\n\n", num(labels[i].x),
                                               num(labels[i].y), num(p.leader_x), num(p.leader_y));
    }
  }
  LabelLayer out;
  std::size_t index = 0;
  for (const auto& [key, rows] : leader_blocks) {
    out.leaders_dat += rows + "\n";
    out.plot += fmt::format(", '{}' index {} using 1:2 with lines lw 0.8 lc rgb '{}' notitle",
                            leaders_file, index++, key);
  }
  index = 0;
  for (const auto& [key, rows] : text_blocks) {
    const char* align[] = {"left", "right", "center"};
    out.labels_dat += rows + "\n\n";
    out.plot +=
        fmt::format(", '{}' index {} using 1:2:3 with labels {} font lf tc rgb '{}' notitle",
                    labels_file, index++, align[key.second], key.first);
  }
  return out;
}

}  // namespace gb::figure
