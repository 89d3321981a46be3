// Prometheus text exposition: HELP/TYPE once per family, label values escaped per the format,
// histograms cumulative with +Inf, _sum and _count.
#include "serving/metrics.h"

#include <gtest/gtest.h>

namespace gb {
namespace {

TEST(Metrics, LabelValuesAreEscaped) {
  EXPECT_EQ(escape_label_value("a\\b\"c\nd"), "a\\\\b\\\"c\\nd");
  PrometheusWriter w;
  w.family("x_total", "counter", "Help with \\ and\na line feed");
  w.family("x_total", "counter", "written once");
  w.sample("x_total", {{"model", "m\"1"}, {"code", "200"}}, 3);
  EXPECT_EQ(w.text(),
            "# HELP x_total Help with \\\\ and\\na line feed\n"
            "# TYPE x_total counter\n"
            "x_total{model=\"m\\\"1\",code=\"200\"} 3\n");
}

TEST(Metrics, HistogramsAreCumulative) {
  Histogram h({1, 2, 4});
  for (double v : {0.5, 1.0, 3.0, 9.0}) h.observe(v);
  PrometheusWriter w;
  h.write(w, "b", {{"model", "m"}});
  EXPECT_EQ(w.text(),
            "b_bucket{model=\"m\",le=\"1\"} 2\n"
            "b_bucket{model=\"m\",le=\"2\"} 2\n"
            "b_bucket{model=\"m\",le=\"4\"} 3\n"
            "b_bucket{model=\"m\",le=\"+Inf\"} 4\n"
            "b_sum{model=\"m\"} 13.5\n"
            "b_count{model=\"m\"} 4\n");
}

}  // namespace
}  // namespace gb
