#include "report/label_layout.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "report/escape.h"
#include "report/gnuplot.h"

namespace gb {
namespace {

double to_axis(const Axis& a, double v) { return a.log ? std::log10(v) : v; }
double from_axis(const Axis& a, double t) { return a.log ? std::pow(10.0, t) : t; }

// Characters, not bytes: a UTF-8 continuation byte adds no width.
std::size_t glyphs(const std::string& text) {
  std::size_t n = 0;
  for (char c : text) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

// Whether the segment (ax, ay)-(bx, by) passes through `b` (Liang-Barsky clipping).
bool crosses(double ax, double ay, double bx, double by, const Box& b) {
  double t0 = 0, t1 = 1;
  const double dx = bx - ax, dy = by - ay;
  const double p[] = {-dx, dx, -dy, dy};
  const double q[] = {ax - b.x0, b.x1 - ax, ay - b.y0, b.y1 - ay};
  for (int i = 0; i < 4; ++i) {
    if (p[i] == 0) {
      if (q[i] < 0) return false;
      continue;
    }
    const double t = q[i] / p[i];
    if (p[i] < 0) {
      t0 = std::max(t0, t);
    } else {
      t1 = std::min(t1, t);
    }
    if (t0 > t1) return false;
  }
  return true;
}

struct Candidate {
  double ax, ay;  // pixels
  Align align;
  bool leader;
};

// Beside the point first (right, left, above, below, then the diagonals), then on rings further
// out, each ring tried in directions that keep the text level with its point before those above
// or below it.
std::vector<Candidate> candidates(double px, double py, double font_px, double marker_px) {
  const double gap = marker_px + 3, h = kLineHeightEm * font_px;
  std::vector<Candidate> out = {{px + gap, py, Align::kLeft, false},
                                {px - gap, py, Align::kRight, false},
                                {px, py - gap - h / 2, Align::kCentre, false},
                                {px, py + gap + h / 2, Align::kCentre, false},
                                {px + gap * 0.7, py - h * 0.8, Align::kLeft, false},
                                {px + gap * 0.7, py + h * 0.8, Align::kLeft, false},
                                {px - gap * 0.7, py - h * 0.8, Align::kRight, false},
                                {px - gap * 0.7, py + h * 0.8, Align::kRight, false}};
  const double degrees[] = {0,  180, 30,  -30,  150, -150, 60,  -60,  120, -120, 90,  -90,
                            15, -15, 165, -165, 45,  -45,  135, -135, 75,  -75,  105, -105};
  for (double r : {24.0, 36.0, 52.0, 72.0, 96.0, 126.0, 160.0}) {
    for (double d : degrees) {
      const double a = d * M_PI / 180, c = std::cos(a);
      const Align align = c > 0.3 ? Align::kLeft : c < -0.3 ? Align::kRight : Align::kCentre;
      out.push_back({px + r * c, py - r * std::sin(a), align, true});
    }
  }
  return out;
}

}  // namespace

Axis fit_axis(const std::vector<double>& values, bool allow_log, double pad) {
  double lo = INFINITY, hi = -INFINITY, pos_lo = INFINITY;
  for (double v : values) {
    if (!std::isfinite(v)) continue;
    lo = std::min(lo, v), hi = std::max(hi, v);
    if (v > 0) pos_lo = std::min(pos_lo, v);
  }
  if (!(lo <= hi)) return {0, 1, false};
  Axis a;
  // Values at or below zero cannot be drawn on a logarithmic axis (an interval's lower end may
  // reach there); the others decide.
  a.log = allow_log && pos_lo <= hi && hi / pos_lo > 30;
  if (a.log) lo = pos_lo;
  double t0 = a.log ? std::log10(lo) : lo, t1 = a.log ? std::log10(hi) : hi;
  if (t1 - t0 <= 0) {
    // One value: a span of its own, a tenth of it either way (a decade when logarithmic).
    const double half = a.log ? 0.5 : (t0 != 0 ? std::fabs(t0) * 0.1 : 1);
    t0 -= half, t1 += half;
  }
  const double span = t1 - t0;
  t0 -= pad * span, t1 += pad * span;
  a.min = from_axis(a, t0), a.max = from_axis(a, t1);
  // A linear axis of positive values starts at zero when that costs little room.
  if (!a.log && lo >= 0 && a.min < 0) a.min = 0;
  return a;
}

double PlotFrame::px(double v) const {
  const double f = (to_axis(x, v) - to_axis(x, x.min)) / (to_axis(x, x.max) - to_axis(x, x.min));
  return width_px * (left + (right - left) * f);
}

double PlotFrame::py(double v) const {
  const double f = (to_axis(y, v) - to_axis(y, y.min)) / (to_axis(y, y.max) - to_axis(y, y.min));
  return height_px * (1 - (bottom + (top - bottom) * f));
}

double PlotFrame::data_x(double p) const {
  const double f = (p / width_px - left) / (right - left);
  return from_axis(x, to_axis(x, x.min) + f * (to_axis(x, x.max) - to_axis(x, x.min)));
}

double PlotFrame::data_y(double p) const {
  const double f = (1 - p / height_px - bottom) / (top - bottom);
  return from_axis(y, to_axis(y, y.min) + f * (to_axis(y, y.max) - to_axis(y, y.min)));
}

Box PlotFrame::area() const {
  return {width_px * left, height_px * (1 - top), width_px * right, height_px * (1 - bottom)};
}

Box text_box(const std::string& text, double ax, double ay, Align align, double font_px) {
  const double w = static_cast<double>(glyphs(text)) * font_px * kCharWidthEm;
  const double h = kLineHeightEm * font_px;
  const double x0 = align == Align::kLeft ? ax : align == Align::kRight ? ax - w : ax - w / 2;
  return {x0 - kPadPx, ay - h / 2 - kPadPx, x0 + w + kPadPx, ay + h / 2 + kPadPx};
}

std::vector<Placement> place_labels(const PlotFrame& frame, const std::vector<Label>& labels,
                                    const LabelStyle& style,
                                    const std::vector<std::pair<double, double>>& markers) {
  std::vector<Placement> out(labels.size());
  std::vector<Box> points;  // every marker, the labels' own and the others
  const auto marker_box = [&](double x, double y, double m) {
    return Box{frame.px(x) - m, frame.py(y) - m, frame.px(x) + m, frame.py(y) + m};
  };
  const auto marker_of = [&](const Label& l) {
    return l.marker_px > 0 ? l.marker_px : style.marker_px;
  };
  for (const Label& l : labels) points.push_back(marker_box(l.x, l.y, marker_of(l)));
  for (const auto& [x, y] : markers) points.push_back(marker_box(x, y, style.marker_px));

  std::vector<std::size_t> order(labels.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return labels[a].priority > labels[b].priority;
  });
  const Box area = frame.area();
  const Box inner{area.x0 + 1, area.y0 + 1, area.x1 - 1, area.y1 - 1};
  std::vector<Box> placed;
  struct Segment {
    double ax, ay, bx, by;
  };
  std::vector<Segment> leaders;
  for (std::size_t i : order) {
    if (placed.size() >= style.max_placed) break;
    const Label& l = labels[i];
    if (!std::isfinite(frame.px(l.x)) || !std::isfinite(frame.py(l.y))) continue;
    const double px = frame.px(l.x), py = frame.py(l.y);
    for (const Candidate& c : candidates(px, py, style.font_px, marker_of(l))) {
      const Box b = text_box(l.text, c.ax, c.ay, c.align, style.font_px);
      if (!b.inside(inner)) continue;
      const auto hit = [&](const Box& o) { return b.overlaps(o); };
      if (std::any_of(placed.begin(), placed.end(), hit)) continue;
      if (std::any_of(points.begin(), points.end(), hit)) continue;
      const auto crossed = [&](const Segment& s) { return crosses(s.ax, s.ay, s.bx, s.by, b); };
      if (std::any_of(leaders.begin(), leaders.end(), crossed)) continue;
      // The leader runs from the marker's edge to the nearest point of the box.
      const double ex = std::clamp(px, b.x0, b.x1), ey = std::clamp(py, b.y0, b.y1);
      if (c.leader) {
        const auto cut = [&](const Box& o) { return crosses(px, py, ex, ey, o); };
        if (std::any_of(placed.begin(), placed.end(), cut)) continue;
      }
      Placement& p = out[i];
      p.placed = true;
      p.x = frame.data_x(c.ax), p.y = frame.data_y(c.ay);
      p.align = c.align;
      p.leader = c.leader;
      p.leader_x = frame.data_x(ex), p.leader_y = frame.data_y(ey);
      p.box = b;
      placed.push_back(b);
      if (c.leader) leaders.push_back({px, py, ex, ey});
      break;
    }
  }
  return out;
}

std::string hover_overlay(const PlotFrame& frame, const std::vector<HoverPoint>& points) {
  std::string out = "<g class=\"gb-hover\">";
  for (const HoverPoint& h : points) {
    const double x = frame.px(h.x), y = frame.py(h.y);
    if (!std::isfinite(x) || !std::isfinite(y)) continue;
    out += fmt::format(
        "<circle cx=\"{:.2f}\" cy=\"{:.2f}\" r=\"7\" fill=\"#000\" fill-opacity=\"0\"><title>{}"
        "</title></circle>",
        x, y, html_escape(printable(h.title)));
  }
  return out + "</g>\n";
}

}  // namespace gb
