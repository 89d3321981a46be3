// The page renderer on constructed content: no results folder, no gnuplot, no browser, no file.
// Hostile names must come out escaped, the analysis's rows must be what the page shows, and the
// figures' SVGs must be inlined exactly as the figure step made them.
#include "report/html.h"

#include <gtest/gtest.h>

#include "report/report_fixture.h"

namespace gb {
namespace {

// Text a result could hold that would break out of an element, an attribute or the page.
const std::string kModel = "<img src=x onerror=alert(1)>&amp;";
const std::string kPolicy = "fixed:4\"><script>alert('p')</script>";
const std::string kGreedy = "greedy:128' onmouseover='alert(2)";

ConfigPoint point(const std::string& model, const std::string& policy, double energy,
                  double max_s) {
  return testing::config_point(model, 32, policy, energy, max_s, max_s);
}

// What the figure step returns: the SVG text, and file paths that do not exist, so any attempt
// to read them would show in the page.
Figure figure(const std::string& id, const std::string& svg) {
  return {id,
          "Title of " + id,
          "Caption <of> " + id,
          "/nonexistent/report/" + id + ".svg",
          "/nonexistent/report/" + id + ".png",
          svg};
}

ReportContent content() {
  ReportContent c;
  c.options.input = "/results/<sweep>";
  c.options.slo_s = 1;
  c.title = "tiny </title><script>alert('t')</script>";
  c.versions = {"0.9.0"};
  c.points = {point(kModel, kPolicy, 1.0, 0.5), point(kModel, kGreedy, 1.6, 0.2)};
  c.models = {kModel};
  Recommendation r;
  r.model = kModel;
  r.device = "cpu";
  r.arrival = "paper";
  r.rate_hz = 32;
  r.rate_label = "32/s";
  r.best = c.points[0];
  r.greedy = c.points[1];
  r.saving_vs_greedy = 0.375;
  r.candidates = 2;
  r.within_slo = 2;
  c.recommendations = {r};
  c.peak_power = {{kModel, {1, 4, std::nullopt, 40.25}, {16, 16, 70.5, 55}}};
  c.rows = {nlohmann::ordered_json{{"model", kModel}, {"policy", kPolicy}, {"rate_hz", 32}}};
  c.machines = nlohmann::ordered_json::array({{{"cpu", "<b>EPYC</b>"}}});
  c.experiment_text = "name = \"</pre><script>alert('e')</script>\"\n";
  c.notes = {"a note with <markup> & more"};
  return c;
}

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

TEST(RenderHtml, HostileNamesAreEscapedEverywhere) {
  const std::string html = render_html(content());
  EXPECT_EQ(count(html, "<script"), 1u) << "only the page's own script";
  EXPECT_EQ(html.find("<img"), std::string::npos);
  EXPECT_EQ(html.find("onmouseover='"), std::string::npos);  // the attribute stayed closed
  EXPECT_EQ(html.find("<b>EPYC"), std::string::npos);
  EXPECT_EQ(html.find("<markup>"), std::string::npos);
  EXPECT_NE(html.find("&lt;img src=x onerror=alert(1)&gt;&amp;amp;"), std::string::npos);
  EXPECT_NE(html.find("fixed:4&quot;&gt;&lt;script&gt;"), std::string::npos);
  EXPECT_NE(html.find("title='greedy:128&#39; onmouseover=&#39;alert(2)'"), std::string::npos);
  EXPECT_NE(html.find("<title>greenbatch report: tiny &lt;/title&gt;"), std::string::npos);
  EXPECT_NE(html.find("&lt;/pre&gt;&lt;script&gt;"), std::string::npos);
  EXPECT_NE(html.find("<li>a note with &lt;markup&gt; &amp; more</li>"), std::string::npos);
}

// A ' is escaped too, in text as in attributes: a name is safe wherever the page puts it.
TEST(RenderHtml, ApostrophesAreEscapedSoNoQuoteOfAnAttributeCanEnd) {
  ReportContent c = content();
  const std::string model = "x' autofocus onfocus='alert(3)";
  c.models = {model};
  c.recommendations[0].model = model;
  c.peak_power[0].model = model;
  c.notes = {model};
  const std::string html = render_html(c);
  EXPECT_EQ(html.find("' autofocus"), std::string::npos);
  EXPECT_NE(html.find("<li>x&#39; autofocus onfocus=&#39;alert(3)</li>"), std::string::npos);
}

TEST(RenderHtml, ShowsTheAnalysisTableIRowsAndRecommendation) {
  const std::string html = render_html(content());
  EXPECT_NE(html.find("<tr><td>&lt;img src=x onerror=alert(1)&gt;&amp;amp;</td>"
                      "<td>1–4</td><td class=num>—</td><td class=num>40.25</td>"
                      "<td>16</td><td class=num>70.5</td><td class=num>55</td></tr>"),
            std::string::npos)
      << html;
  EXPECT_EQ(html.find("Needs at least two configurations"), std::string::npos);
  EXPECT_NE(html.find("<td class=num>2 / 2</td>"), std::string::npos);  // within budget
  EXPECT_NE(html.find("-38 %"), std::string::npos);                     // saving vs greedy

  ReportContent none = content();
  none.peak_power.clear();
  EXPECT_NE(render_html(none).find("Needs at least two configurations"), std::string::npos);
}

TEST(RenderHtml, WarningsFollowTheAnalysisFlags) {
  ReportContent c = content();
  EXPECT_EQ(render_html(c).find("Estimated energy."), std::string::npos);
  EXPECT_EQ(render_html(c).find("Simulated configurations."), std::string::npos);
  c.estimated_energy = true;
  c.simulated = true;
  EXPECT_NE(render_html(c).find("Estimated energy."), std::string::npos);
  EXPECT_NE(render_html(c).find("Simulated configurations."), std::string::npos);
}

TEST(RenderHtml, InlinesEachFigureAsGivenWithoutReadingFiles) {
  ReportContent c = content();
  const std::string svg = "<svg id='fig3-canvas'><use href='#fig3-gpPt0'/></svg>";
  c.figures = {figure("fig3", svg)};
  const std::string html = render_html(c);
  EXPECT_NE(html.find("<figure id=\"fig3\">\n" + svg +
                      "\n<figcaption><b>Title of fig3.</b> "
                      "Caption &lt;of&gt; fig3 (<a href=\"fig3.svg\">SVG</a>, "
                      "<a href=\"fig3.png\">PNG</a>)</figcaption>\n</figure>"),
            std::string::npos)
      << html;
  EXPECT_EQ(html.find("/nonexistent"), std::string::npos);  // links are relative to the page
  EXPECT_EQ(html.find("figure missing"), std::string::npos);
  EXPECT_EQ(render_html(c), html);  // a function of its input alone
}

// The figure step's half of the bargain: two gnuplot files with the same definitions, each
// prefixed once, make a page whose ids are unique and whose references all resolve.
TEST(RenderHtml, PrefixedFiguresHaveUniqueIdsAndResolvingReferences) {
  const std::string gnuplot_svg =
      "<?xml version=\"1.0\"?>\n<!DOCTYPE svg>\n<svg id=\"gnuplot_canvas\" width=\"600\">\n"
      "<defs><circle id='gpPt6' r='1'/><pattern id='gpPat1'/></defs>\n"
      "<use xlink:href='#gpPt6' x='1'/><use href=\"#gpPt6\"/>"
      "<path fill=\"url(#gpPat1)\"/><g id=\"gnuplot_plot_1\"></g></svg>\n";
  const std::string a = prefix_svg_ids(gnuplot_svg, "fig2_alexnet-");
  EXPECT_EQ(a.rfind("<svg id=\"fig2_alexnet-gnuplot_canvas\"", 0), 0u) << a;
  EXPECT_NE(a.find("xlink:href='#fig2_alexnet-gpPt6'"), std::string::npos) << a;
  EXPECT_NE(a.find("url(#fig2_alexnet-gpPat1)"), std::string::npos) << a;
  EXPECT_EQ(prefix_svg_ids("<?xml version=\"1.0\"?>\nnot an svg", "x-"), "");
  EXPECT_EQ(prefix_svg_ids("<svg id='a'/>", "$1$&-"), "<svg id='$1$&-a'/>");  // taken literally

  ReportContent c = content();
  c.figures = {figure("fig2_alexnet", a), figure("fig3", prefix_svg_ids(gnuplot_svg, "fig3-"))};
  EXPECT_EQ(testing::expect_unique_ids_and_resolved_references(render_html(c)), 6);
}

}  // namespace
}  // namespace gb

namespace gb {
namespace {

TEST(RenderHtml, EmptyPeakPowerIsExplainedByItsCauseWhereItIsEmpty) {
  ReportContent c = content();
  for (ConfigPoint& p : c.points) p.peak_power_w = 70.5;
  EXPECT_EQ(render_html(c).find("no peak power"), std::string::npos);  // nothing to explain
  c.points[0].peak_power_w.reset();  // measured (rapl), no sample above the threshold
  std::string html = render_html(c);
  EXPECT_NE(html.find("Why 1 of 2 configurations have no peak power (—)."), std::string::npos);
  EXPECT_NE(html.find("1 measured configuration(s) (rapl): no sample of the paper's domain"),
            std::string::npos)
      << html;
  for (ConfigPoint& p : c.points) p.peak_power_w.reset();
  c.points[0].energy_method = "estimate";
  c.points[1].simulated = true;
  html = render_html(c);
  EXPECT_NE(html.find("Why the peak power columns are empty."), std::string::npos);
  EXPECT_NE(html.find("1 configuration(s) under greenbatch's <code>estimate</code>"),
            std::string::npos);
  EXPECT_NE(html.find("1 simulated configuration(s)"), std::string::npos);
  EXPECT_NE(html.find("The column keeps the paper's definition"), std::string::npos);
}

TEST(RenderHtml, TheConfigurationsTableScrollsInItsBoxAndLeavesOutEmptyColumns) {
  ReportContent c = content();
  c.rows = {nlohmann::ordered_json{{"model", "a"},
                                   {"policy", "fixed:1"},
                                   {"rate_hz", 32},
                                   {"Average Peak Power (W)", nullptr}},
            nlohmann::ordered_json{{"model", "b"},
                                   {"policy", "fixed:2"},
                                   {"rate_hz", nullptr},
                                   {"Average Peak Power (W)", nullptr}}};
  const std::string html = render_html(c);
  const auto table = html.find("<div class=scroll><table class=sortable><thead><tr>");
  ASSERT_NE(table, std::string::npos) << html;
  const std::string head = html.substr(table, html.find("</thead>", table) - table);
  EXPECT_EQ(head,
            "<div class=scroll><table class=sortable><thead><tr><th>model</th>"
            "<th>rate_hz</th><th>policy</th></tr>");
  EXPECT_NE(html.find("<tr><td>b</td><td></td><td>fixed:2</td></tr>"), std::string::npos);
  EXPECT_NE(html.find("Not shown, empty in every configuration: <code>device</code>"),
            std::string::npos);
  EXPECT_NE(html.find("<code>Average Peak Power (W)</code>"), std::string::npos);
  EXPECT_NE(html.find(".scroll { overflow-x: auto;"), std::string::npos);
}

}  // namespace
}  // namespace gb
