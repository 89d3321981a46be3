// The report's figures, drawn by gnuplot (Debian's gnuplot-nox) from data files written next to
// them; each figure is an SVG and a PNG. The .dat and .gp files stay in the output folder so a
// figure can be restyled or redrawn by hand. Of the report's steps after loading, this is the only
// one that touches files, apart from the final write of report.html.
//
// Contract:
// - A figure whose data is empty is not drawn (its builder returns nullopt, with the reason in
//   `why`). gnuplot missing or failing, or writing no SVG element, is a RunError naming the script
//   and gnuplot's first error line.
// - A drawn Figure carries its SVG text ready to inline, every id prefixed with the figure's own,
//   once, in memory; the .svg file keeps gnuplot's ids, so `gnuplot fig3.gp` reproduces it (why
//   the prefix is needed: docs/report.md).
// - Results cannot steer it: every file name and id is ours (fig2_1, fig2_2, ... in model order,
//   fig3, fig4; checked before each write), so the report writes only inside `dir` whatever the
//   model names are; every string from the results is put into a script single-quoted (gnuplot
//   expands nothing there, no backquote commands) and into a data file double-quoted, with control
//   characters dropped; and gnuplot is started with an argv, no shell.
// - Axis labels and captions name the energy methods; one that is not a measurement (an estimate,
//   or a method this version does not know) is called so.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "report/analysis.h"
#include "report/paper_reference.h"
#include "report/points.h"

namespace gb {

struct Figure {
  std::string id;  // file stem and page id: fig2_1 (the first model), fig3, fig4
  std::string title;
  std::string caption;  // what is plotted and how it was measured
  std::string svg_path, png_path;
  std::string svg;  // the <svg> element, every id and in-page reference prefixed with "<id>-"
};

struct FigureOptions {
  std::string dir;             // where .dat, .gp, .svg and .png go
  bool compare_paper = false;  // overlay the paper's GTX 1080 figures (Fig. 2 and 3)
};

// Fig. 2: one model's configurations, energy per image (x) against max response time (y), one
// colour per rate, each point labelled with its policy, 95 % CI bars where repeated, the Pareto
// front of each rate (from `fronts`) dashed. Its id is fig2_<number>.
std::optional<Figure> draw_energy_vs_latency(const std::string& model, std::size_t number,
                                             const std::vector<ConfigPoint>& points,
                                             const std::vector<ParetoFront>& fronts,
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

// Every figure of the report, in the page's order (Fig. 2 per model, Fig. 3, Fig. 4); a figure
// that could not be drawn from these results gets a line in `notes` saying why.
std::vector<Figure> draw_figures(const ReportAnalysis& analysis, const FigureOptions& options,
                                 std::vector<std::string>* notes);

// Pure: the <svg> element of an SVG document (from "<svg" on), with every id="..."/id='...'
// prefixed, and every href="#..." and url(#...) pointing at the prefixed id. Empty when the
// text has no <svg element.
std::string prefix_svg_ids(const std::string& svg_document, const std::string& prefix);

}  // namespace gb
