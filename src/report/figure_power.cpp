// Fig. 6: power over time through one run, with its batches shaded.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "report/figure_render.h"
#include "report/gnuplot.h"

namespace gb {

std::optional<Figure> draw_power_timeline(const RunTimeline& t, const std::string& what,
                                          const std::string& method, const FigureOptions& o,
                                          std::string* why) {
  if (t.domains.empty()) {
    *why = "the run has no power samples (simulated runs have none)";
    return std::nullopt;
  }
  double t0 = INFINITY, t1 = -INFINITY, watts = 0;
  std::string data;
  for (const TimelineDomain& d : t.domains) {
    data += "# " + printable(d.domain) + ": t_s watts\n";
    for (const TimelineSample& s : d.samples) {
      data += figure::num(s.t_s) + " " + figure::num(s.watts) + "\n";
      t0 = std::min(t0, s.t_s), t1 = std::max(t1, s.t_s), watts = std::max(watts, s.watts);
    }
    data += "\n\n";
  }
  for (const BatchSpan& b : t.batches) t0 = std::min(t0, b.start_s), t1 = std::max(t1, b.end_s);
  if (!(t1 > t0)) t1 = t0 + 1;
  const double ymax = watts > 0 ? watts * 1.15 : 1;
  // Batches closer than about a pixel are one busy span: the figure stays small whatever the
  // number of batches, and what it shows is unchanged.
  const double pixel = (t1 - t0) / 800;
  std::vector<std::pair<double, double>> busy;
  for (const BatchSpan& b : t.batches) {
    if (!busy.empty() && b.start_s - busy.back().second < pixel) {
      busy.back().second = std::max(busy.back().second, b.end_s);
    } else {
      busy.push_back({b.start_s, b.end_s});
    }
  }
  std::string spans = "# busy: centre_s centre_w start_s end_s 0 top_w\n";
  for (const auto& [a, b] : busy) {
    const double end = std::max(b, a + 2 * pixel);  // a batch shorter than a pixel stays visible
    spans += fmt::format("{} {} {} {} 0 {}\n", figure::num((a + end) / 2), figure::num(ymax / 2),
                         figure::num(a), figure::num(end), figure::num(ymax));
  }
  figure::write_file(figure::file_of(o, "fig6.dat"), data);
  figure::write_file(figure::file_of(o, "fig6_busy.dat"), spans);

  PlotFrame f;
  f.width_px = 1000, f.height_px = 450;
  f.left = 0.08, f.right = 0.78, f.bottom = 0.13, f.top = 0.88;
  const double pad = (t1 - t0) * 0.01;
  f.x = {t0 - pad, t1 + pad, false}, f.y = {0, ymax, false};
  std::string body = fmt::format(
      "set title {}\nset xlabel 'time since the run started (s)'\nset ylabel {}\nset grid\n"
      "set key at screen {}, 0.88 left top Left reverse samplen 2\n",
      gp_string("Power over one run: " + what), gp_string("power (W)"),
      figure::num(f.right + 0.02));
  body += figure::frame_commands(f);
  body += busy.empty() ? "plot "
                       : "plot 'fig6_busy.dat' using 1:2:3:4:5:6 with boxxyerror fs solid 0.35 "
                         "noborder lc rgb '#808080' title 'a batch in service', ";
  for (std::size_t i = 0; i < t.domains.size(); ++i) {
    body += fmt::format("{}'fig6.dat' index {} using 1:2 with lines lw 1.2 lc rgb '{}' title {}",
                        i ? ", " : "", i, figure::kColours[i % figure::kNumColours],
                        gp_string(t.domains[i].domain));
  }
  std::string caption = fmt::format(
      "The power samples of one run ({}), each meter's domain a line (samples averaged into at "
      "most {} time bins), with every batch's service shaded: white gaps are the idle phases "
      "between batches, while the policy waits for requests. {} batches, {} power samples. Power: "
      "{}.",
      what, kTimelineBins, t.batches.size(), t.samples, method);
  if (t.truncated) {
    caption += " Some of the run's rows were beyond the report's reading bounds and left out.";
  }
  if (t.skipped_rows > 0) {
    caption += fmt::format(" {} rows that did not parse were skipped.", t.skipped_rows);
  }
  return figure::render(o, "fig6", "Power over time", caption, body, 1000, 450);
}

}  // namespace gb
