// The report's own label placement (report/label_layout.h) on constructed frames: gnuplot's pixel
// mapping, axes fitted to data, labels that never overlap each other or a point, hover titles.
#include "report/label_layout.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

namespace gb {
namespace {

PlotFrame frame(bool xlog, bool ylog) {
  PlotFrame f;
  f.width_px = 900, f.height_px = 600;
  f.left = 0.1, f.right = 0.7, f.bottom = 0.12, f.top = 0.9;
  f.x = {xlog ? 0.01 : 0, xlog ? 100 : 10, xlog};
  f.y = {ylog ? 0.01 : 0, ylog ? 100 : 10, ylog};
  return f;
}

TEST(PlotFrame, MapsDataToThePixelsGnuplotDrawsThemAt) {
  // As gnuplot 5.4's svg terminal does for margins at screen 0.1/0.7/0.12/0.9 on 900x600: the
  // plot area spans x 90..630 and y 528 (bottom) .. 60 (top).
  const PlotFrame lin = frame(false, false);
  EXPECT_DOUBLE_EQ(lin.px(0), 90);
  EXPECT_DOUBLE_EQ(lin.px(10), 630);
  EXPECT_DOUBLE_EQ(lin.py(0), 528);
  EXPECT_DOUBLE_EQ(lin.py(10), 60);
  const PlotFrame log = frame(true, true);
  EXPECT_DOUBLE_EQ(log.px(1), 360);  // the middle decade
  EXPECT_DOUBLE_EQ(log.py(1), 294);
  for (const PlotFrame& f : {lin, log}) {
    for (double v : {0.02, 0.5, 3.0, 9.5}) {
      EXPECT_NEAR(f.data_x(f.px(v)), v, 1e-9 * v);
      EXPECT_NEAR(f.data_y(f.py(v)), v, 1e-9 * v);
    }
  }
  const Box a = lin.area();
  EXPECT_DOUBLE_EQ(a.x0, 90);
  EXPECT_DOUBLE_EQ(a.y1, 528);
}

TEST(FitAxis, IsLogarithmicOnlyForWideRangesAndIgnoresWhatCannotBeDrawn) {
  const Axis narrow = fit_axis({1, 2, 3}, true);
  EXPECT_FALSE(narrow.log);
  EXPECT_LT(narrow.min, 1);
  EXPECT_GT(narrow.max, 3);
  EXPECT_GE(narrow.min, 0);  // positive values keep a non-negative axis
  const Axis wide = fit_axis({0.01, 5, 100, NAN, INFINITY, -1}, true);
  EXPECT_TRUE(wide.log);  // -1 (an interval's lower end, say) cannot be drawn there: ignored
  EXPECT_LT(wide.min, 0.01);
  EXPECT_GT(wide.max, 100);
  EXPECT_FALSE(fit_axis({0.01, 100}, false).log);
  const Axis one = fit_axis({4}, true);
  EXPECT_LT(one.min, 4);
  EXPECT_GT(one.max, 4);
  const Axis none = fit_axis({NAN}, true);
  EXPECT_LT(none.min, none.max);
}

TEST(TextBox, FollowsTheAnchorAndTheTextsLength) {
  const Box l = text_box("fixed:16", 100, 50, Align::kLeft, 10);
  EXPECT_NEAR(l.x0, 100 - kPadPx, 1e-9);
  EXPECT_NEAR(l.x1, 100 + 8 * 10 * kCharWidthEm + kPadPx, 1e-9);
  EXPECT_NEAR((l.y0 + l.y1) / 2, 50, 1e-9);
  const Box r = text_box("fixed:16", 100, 50, Align::kRight, 10);
  EXPECT_NEAR(r.x1, 100 + kPadPx, 1e-9);
  const Box c = text_box("ab", 100, 50, Align::kCentre, 10);
  EXPECT_NEAR((c.x0 + c.x1) / 2, 100, 1e-9);
  // Characters, not bytes: "µs" is two.
  EXPECT_NEAR(text_box("µs", 0, 0, Align::kLeft, 10).x1, text_box("us", 0, 0, Align::kLeft, 10).x1,
              1e-9);
}

// Sixty labels on a grid of points `spacing` apart (data units; 54 px per unit across, 47 up).
std::vector<Label> cluster(double spacing, double x0 = 4, double y0 = 4) {
  std::vector<Label> out;
  for (int i = 0; i < 60; ++i) {
    out.push_back({x0 + spacing * (i % 6), y0 + 0.8 * spacing * (i / 6),
                   "fixed:" + std::to_string(i),
                   i == 37      ? 2
                   : i % 5 == 0 ? 1
                                : 0,
                   0});
  }
  return out;
}

// What every placement must hold: no two boxes overlap, none covers a marker, all inside, each
// box where its anchor puts the text; returns how many were placed.
std::size_t expect_valid(const PlotFrame& f, const std::vector<Label>& labels,
                         const std::vector<Placement>& placed,
                         const std::vector<std::pair<double, double>>& others, double font_px) {
  EXPECT_EQ(placed.size(), labels.size());
  std::vector<Box> markers;
  const auto marker = [&](double x, double y) {
    return Box{f.px(x) - 4, f.py(y) - 4, f.px(x) + 4, f.py(y) + 4};
  };
  for (const Label& l : labels) markers.push_back(marker(l.x, l.y));
  for (const auto& [x, y] : others) markers.push_back(marker(x, y));
  std::size_t n = 0;
  for (std::size_t i = 0; i < placed.size(); ++i) {
    if (!placed[i].placed) continue;
    ++n;
    const Box& b = placed[i].box;
    EXPECT_TRUE(b.inside(f.area())) << labels[i].text;
    const Box again =
        text_box(labels[i].text, f.px(placed[i].x), f.py(placed[i].y), placed[i].align, font_px);
    EXPECT_NEAR(again.x0, b.x0, 1e-6) << labels[i].text;
    EXPECT_NEAR(again.y0, b.y0, 1e-6) << labels[i].text;
    for (std::size_t j = i + 1; j < placed.size(); ++j) {
      if (placed[j].placed) {
        EXPECT_FALSE(b.overlaps(placed[j].box)) << labels[i].text << " / " << labels[j].text;
      }
    }
    for (const Box& m : markers) EXPECT_FALSE(b.overlaps(m)) << labels[i].text;
  }
  return n;
}

TEST(PlaceLabels, NoTwoOverlapNoneCoversAPointAndAllStayInside) {
  const PlotFrame f = frame(false, false);
  LabelStyle style;
  style.font_px = 12;
  const auto labels = cluster(0.3);  // 16 px apart across, 13 up: denser than the labels
  const std::vector<std::pair<double, double>> others = {{4.15, 4.1}, {5.3, 4.5}};
  const auto placed = place_labels(f, labels, style, others);
  EXPECT_GT(expect_valid(f, labels, placed, others, 12), 20u);  // most, many with leaders
  EXPECT_TRUE(placed[37].placed);                               // the one that matters most, first
  EXPECT_TRUE(placed[0].placed);                                // priority 1 before the rest
  EXPECT_TRUE(placed[5].placed);
  // Deterministic.
  const auto again = place_labels(f, labels, style, others);
  for (std::size_t i = 0; i < placed.size(); ++i) {
    EXPECT_EQ(again[i].placed, placed[i].placed);
    EXPECT_EQ(again[i].x, placed[i].x);
  }
}

TEST(PlaceLabels, PointsThatCoincideInACornerStillGetNoOverlap) {
  const PlotFrame f = frame(false, false);
  LabelStyle style;
  const auto labels = cluster(0.01, 0.5, 0.5);  // 60 points within 3 x 2 px, by the axes
  const auto placed = place_labels(f, labels, style);
  EXPECT_GE(expect_valid(f, labels, placed, {}, style.font_px), 3u);  // the rest: hover titles
  EXPECT_TRUE(placed[37].placed);
}

TEST(PlaceLabels, LeaderLinesCrossNoOtherLabelAndStopAtTheirText) {
  const PlotFrame f = frame(true, true);
  LabelStyle style;
  const auto labels = cluster(0.05);
  const auto placed = place_labels(f, labels, style);
  std::size_t leaders = 0;
  for (std::size_t i = 0; i < placed.size(); ++i) {
    if (!placed[i].placed || !placed[i].leader) continue;
    ++leaders;
    const double ex = f.px(placed[i].leader_x), ey = f.py(placed[i].leader_y);
    const Box& own = placed[i].box;
    EXPECT_GE(ex, own.x0 - 1e-6);
    EXPECT_LE(ex, own.x1 + 1e-6);
    EXPECT_GE(ey, own.y0 - 1e-6);
    EXPECT_LE(ey, own.y1 + 1e-6);
    // Sampled along the line: no point of it inside another label's box.
    const double px = f.px(labels[i].x), py = f.py(labels[i].y);
    for (std::size_t j = 0; j < placed.size(); ++j) {
      if (j == i || !placed[j].placed) continue;
      const Box& b = placed[j].box;
      for (int k = 1; k < 100; ++k) {
        const double t = k / 100.0, x = px + t * (ex - px), y = py + t * (ey - py);
        EXPECT_FALSE(x > b.x0 && x < b.x1 && y > b.y0 && y < b.y1)
            << labels[i].text << "'s leader crosses " << labels[j].text;
      }
    }
  }
  EXPECT_GT(leaders, 0u);
}

TEST(PlaceLabels, AtMostMaxPlacedAndNothingForPointsOffTheAxis) {
  const PlotFrame f = frame(true, false);
  LabelStyle style;
  style.max_placed = 3;
  std::vector<Label> labels = cluster(0.3);
  labels.push_back({-1, 5, "off a log axis", 9, 0});
  const auto placed = place_labels(f, labels, style);
  std::size_t n = 0;
  for (const Placement& p : placed) n += p.placed;
  EXPECT_EQ(n, 3u);
  EXPECT_FALSE(placed.back().placed);
}

TEST(HoverOverlay, OneEscapedTitlePerDrawablePoint) {
  const PlotFrame f = frame(true, false);
  const std::string svg =
      hover_overlay(f, {{1, 5, "<script>alert('x')</script> & \"q\"\n"}, {-1, 5, "off the axis"}});
  EXPECT_EQ(svg.find("<script"), std::string::npos);
  EXPECT_NE(svg.find("<title>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;"
                     "</title>"),
            std::string::npos);
  EXPECT_EQ(svg.find("off the axis"), std::string::npos);
  EXPECT_NE(svg.find("cx=\"360.00\" cy=\"294.00\""), std::string::npos);
}

}  // namespace
}  // namespace gb
