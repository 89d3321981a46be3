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
//   once, in memory, and Fig. 2's hover titles (report/label_layout.h) added; the .svg file keeps
//   gnuplot's ids and has no hover titles, so `gnuplot fig3.gp` reproduces it (why the prefix is
//   needed: docs/report.md).
// - No two texts of a figure overlap: Fig. 2's point labels are placed by report/label_layout.h in
//   a frame fixed here; where there is no room a point keeps only its hover title.
// - Results cannot steer it: every file name and id is ours (fig2_1, fig2_2, ... in model order,
//   fig3, fig4, fig5, fig6; checked before each write), so the report writes only inside `dir`
//   whatever the model names are; every string from the results is put into a script single-quoted
//   (gnuplot expands nothing there, no backquote commands) and into a data file double-quoted, with
//   control characters dropped; and gnuplot is started with an argv, no shell.
// - Axis labels and captions name the energy methods; one that is not a measurement (an estimate,
//   or a method this version does not know) is called so.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "report/analysis.h"
#include "report/paper_reference.h"
#include "report/points.h"
#include "results/run_timeline.h"

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
  bool compare_paper = false;  // the paper's GTX 1080 figures beside ours (Fig. 2) and in Fig. 3
  double slo_s = 1;            // the latency budget the recommendations used, drawn on Fig. 2
};

// Fig. 2: one model's configurations, energy per image (x) against max response time (y), one
// colour per rate, 95 % CI bars where repeated, the Pareto front of each rate (from `fronts`)
// dashed, the latency budget as a line and the recommended configurations (of `recommendations`)
// ringed. Labels (policies) are placed where they overlap nothing (report/label_layout.h); every
// point has a hover title in the page. With compare_paper, the paper's points for the model at
// the same rates are drawn in a panel of their own, on the same latency axis. Its id is
// fig2_<number>.
std::optional<Figure> draw_energy_vs_latency(const std::string& model, std::size_t number,
                                             const std::vector<ConfigPoint>& points,
                                             const std::vector<ParetoFront>& fronts,
                                             const std::vector<Recommendation>& recommendations,
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

// Fig. 5: energy per image against batch size, the paper's central question: one panel per rate,
// one line per model through its fixed:N configurations (N is the batch size; other policies have
// none and are left out). Drawn when some model has two or more batch sizes at one rate.
std::optional<Figure> draw_energy_vs_batch_size(const std::vector<std::string>& models,
                                                const std::vector<ConfigPoint>& points,
                                                const FigureOptions& options, std::string* why);

// Fig. 6: power over time through one run, each meter's domain a line, the batches shaded, so
// that idle and busy phases show. `what` names the run (model, rate, policy) for the title.
std::optional<Figure> draw_power_timeline(const RunTimeline& timeline, const std::string& what,
                                          const std::string& method, const FigureOptions& options,
                                          std::string* why);

// Every figure of the report, in the page's order (Fig. 2 per model, Fig. 3, Fig. 4, Fig. 5, and
// Fig. 6 when `timeline` is given: the run chosen by build_report); a figure that could not be
// drawn from these results gets a line in `notes` saying why.
struct TimelineFigure {
  RunTimeline timeline;
  std::string what, method;
};
std::vector<Figure> draw_figures(const ReportAnalysis& analysis, const FigureOptions& options,
                                 const std::optional<TimelineFigure>& timeline,
                                 std::vector<std::string>* notes);

// Pure: the <svg> element of an SVG document (from "<svg" on), with every id="..."/id='...'
// prefixed, and every href="#..." and url(#...) pointing at the prefixed id. Empty when the
// text has no <svg element.
std::string prefix_svg_ids(const std::string& svg_document, const std::string& prefix);

}  // namespace gb
