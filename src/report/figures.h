// The report's figures, drawn by gnuplot (Debian's gnuplot-nox) from data files written next to
// them; each figure is an SVG (inlined in report.html) and a PNG. The .dat and .gp files stay in
// the output folder so a figure can be restyled or redrawn by hand.
//
// Contract: a figure whose data is empty is not drawn (its builder returns nullopt, with the
// reason in `why`). gnuplot missing or failing is a RunError naming the script and gnuplot's first
// error line.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "report/paper_reference.h"
#include "report/points.h"

namespace gb {

struct Figure {
  std::string id;  // file stem: fig2_alexnet, fig3, fig4
  std::string title;
  std::string caption;  // what is plotted and how it was measured
  std::string svg_path, png_path;
};

struct FigureOptions {
  std::string dir;             // where .dat, .gp, .svg and .png go
  bool compare_paper = false;  // overlay the paper's GTX 1080 figures (Fig. 2 and 3)
};

// Fig. 2: one model's configurations, energy per image (x) against max response time (y), one
// colour per rate, each point labelled with its policy, 95 % CI bars where repeated, the Pareto
// front of each rate dashed.
std::optional<Figure> draw_energy_vs_latency(const std::string& model,
                                             const std::vector<ConfigPoint>& points,
                                             const FigureOptions& options, std::string* why);

// Fig. 3: mean energy per image of each model (averaged over its policies) at each rate, models in
// the order given (publication year).
std::optional<Figure> draw_energy_per_model(const std::vector<std::string>& models,
                                            const std::vector<ConfigPoint>& points,
                                            const FigureOptions& options, std::string* why);

// Fig. 4: each model's change in mean energy per image and in ImageNet top-1 relative to AlexNet.
std::optional<Figure> draw_change_vs_alexnet(const std::vector<std::string>& models,
                                             const std::vector<ConfigPoint>& points,
                                             const FigureOptions& options, std::string* why);

// Mean energy per image of a model's configurations (at one rate when `rate` is given).
std::optional<double> mean_energy(const std::vector<ConfigPoint>& points, const std::string& model,
                                  std::optional<double> rate = std::nullopt);

}  // namespace gb
