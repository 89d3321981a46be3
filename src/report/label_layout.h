// Point labels that never overlap, placed by the report itself rather than by gnuplot.
//
// gnuplot puts every point's label at one fixed offset, so the labels of nearby points pile up
// (fixed:8 and fixed:16 at 48/s became one blob). The figure step instead fixes each panel's frame
// (margins at screen positions and explicit axis ranges, so that gnuplot maps data to exactly the
// pixels PlotFrame computes) and places the labels here, greedily and in priority order: beside
// the point where there is room, else further out with a leader line, else not at all; every
// point keeps a hover title in the page's copy of the figure (hover_overlay). Pure: no gnuplot,
// no files.
//
// Contract of place_labels:
// - No two placed labels' boxes overlap, no box covers a point's marker, every box lies inside
//   the plot area, and no leader line crosses another placed label.
// - A text's box is estimated as characters x font size x kCharWidthEm wide and kLineHeightEm
//   font sizes high, centred on the anchor's height (gnuplot centres a label vertically on its
//   position), plus kPadPx on every side: a sans font's average glyph is narrower than 0.6 em, so
//   real texts fit inside their boxes.
// - Deterministic: the same frame and labels give the same placement.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace gb {

inline constexpr double kCharWidthEm = 0.62;
inline constexpr double kLineHeightEm = 1.25;
inline constexpr double kPadPx = 1.5;

// A rectangle in SVG pixels (y grows downwards).
struct Box {
  double x0 = 0, y0 = 0, x1 = 0, y1 = 0;
  bool overlaps(const Box& o) const { return x0 < o.x1 && o.x0 < x1 && y0 < o.y1 && o.y0 < y1; }
  bool inside(const Box& o) const { return x0 >= o.x0 && x1 <= o.x1 && y0 >= o.y0 && y1 <= o.y1; }
};

// One axis: its range and whether it is logarithmic (then min > 0).
struct Axis {
  double min = 0, max = 1;
  bool log = false;
};

// The range that holds every finite value of `values` (positive ones when logarithmic), widened by
// `pad` of its span on each side (of its span in decades when logarithmic). Logarithmic when
// `allow_log` and the values span more than a factor 30. A single value gets a span of its own.
Axis fit_axis(const std::vector<double>& values, bool allow_log, double pad = 0.06);

// One panel of a figure: the canvas, the plot area as fractions of it (gnuplot's margins "at
// screen"), and the axes.
struct PlotFrame {
  double width_px = 900, height_px = 600;
  double left = 0.1, right = 0.75, bottom = 0.12, top = 0.9;
  Axis x, y;

  double px(double data_x) const;  // pixel column
  double py(double data_y) const;  // pixel row, downwards
  double data_x(double px) const;
  double data_y(double py) const;
  Box area() const;  // the plot area in pixels
};

enum class Align { kLeft, kRight, kCentre };  // text to the right of, left of, or around the anchor

struct Label {
  double x = 0, y = 0;  // the point, in data coordinates
  std::string text;
  int priority = 0;      // higher first; equal ones in the order given
  double marker_px = 0;  // half the width of its marker (a ring, say); 0: the style's
};

struct Placement {
  bool placed = false;
  double x = 0, y = 0;  // the text's anchor, in data coordinates
  Align align = Align::kLeft;
  bool leader = false;                // the text stands off its point: draw a line
  double leader_x = 0, leader_y = 0;  // where that line ends, in data coordinates (the box's edge)
  Box box;                            // the text's estimated box, pixels
};

struct LabelStyle {
  double font_px = 11;
  double marker_px = 4;          // half the width of a point's marker
  std::size_t max_placed = 200;  // beyond it the rest keep only their hover titles
};

// The estimated box of `text` at anchor (ax, ay), in pixels; `ay` is the text's vertical centre.
Box text_box(const std::string& text, double ax, double ay, Align align, double font_px);

// Placements in the order of `labels`. `markers` are further points (data coordinates) that no
// label may cover, besides the labels' own points.
std::vector<Placement> place_labels(const PlotFrame& frame, const std::vector<Label>& labels,
                                    const LabelStyle& style,
                                    const std::vector<std::pair<double, double>>& markers = {});

// An SVG group of invisible circles, one on each point (data coordinates), each with a <title>
// the browser shows on hover. Titles are XML-escaped.
struct HoverPoint {
  double x = 0, y = 0;
  std::string title;
};
std::string hover_overlay(const PlotFrame& frame, const std::vector<HoverPoint>& points);

}  // namespace gb
