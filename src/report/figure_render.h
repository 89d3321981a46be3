// Internal to report/: what the figures of report/figures.h share. Files are named here from a
// figure's id only (never from the results), data strings quoted through report/gnuplot.h, and
// each script drawn to SVG and PNG by one call of gnuplot.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "report/figures.h"
#include "report/label_layout.h"

namespace gb::figure {

inline constexpr const char* kColours[] = {"#1b9e77", "#d95f02", "#7570b3", "#e7298a",
                                           "#66a61e", "#e6ab02", "#a6761d", "#666666"};
inline constexpr std::size_t kNumColours = sizeof(kColours) / sizeof(kColours[0]);
// Point labels' font size in the SVG (pixels) and in the PNG (cairo's points, which draw larger):
// the script's variable `lf` holds the one of the terminal being drawn.
inline constexpr double kLabelFontPx = 12;

// <dir>/<name>, where `name` must be one of the report's own (fig<N>[_<n>][_<word>...].<ext>):
// std::logic_error otherwise, so that no name from the results can become a path.
std::filesystem::path file_of(const FigureOptions& o, const std::string& name);
// A number for a script or data file; "NaN" (the data files' missing value) when not finite.
std::string num(double v);
// Atomic, so that a report interrupted while drawing never leaves a half-written script or data
// file next to the figures of an earlier report (failures are RunErrors naming the file).
void write_file(const std::filesystem::path& p, const std::string& text);

// Draws `body` (gnuplot commands ending in a plot or a whole multiplot; it is run once per
// terminal, since a multiplot cannot be replotted) to <dir>/<id>.svg and .png. `overlay` (SVG, the
// hover titles) is added inside the page's copy of the figure only, so `gnuplot <id>.gp` still
// reproduces the .svg file.
Figure render(const FigureOptions& o, const std::string& id, const std::string& title,
              const std::string& caption, const std::string& body, int width, int height,
              const std::string& overlay = "");

// The methods, for an axis label or caption, with estimates called what they are.
std::string methods_of(const std::vector<ConfigPoint>& points);
// Values spread over more than a factor 30: a logarithmic axis.
bool wide(double lo, double hi);

// gnuplot commands that give the next plot exactly `frame`: margins at screen, ranges, scales.
std::string frame_commands(const PlotFrame& frame);

// Placed labels as data and plot clauses: labels (and leader lines) of one colour and alignment
// in one block of `labels_file` (`leaders_file`). `colours[i]` is the colour of labels[i].
struct LabelLayer {
  std::string labels_dat, leaders_dat;
  std::string plot;  // plot clauses, each starting with ", "; empty when nothing was placed
};
LabelLayer label_layer(const std::string& labels_file, const std::string& leaders_file,
                       const std::vector<Label>& labels, const std::vector<Placement>& placed,
                       const std::vector<std::string>& colours);

}  // namespace gb::figure
