// greenbatch report end to end: a small real sweep (two real models), the report built from it,
// and the page opened in headless Chromium: every figure must render and no script error occur.
// Also a real TorchScript file (made by /usr/bin/python3 with python3-torch) named like a command.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "command_runner.h"
#include "report/paper_reference.h"
#include "report/report_fixture.h"
#include "test_paths.h"

namespace {

namespace fs = std::filesystem;

using Result = gb::testing::CommandResult;
using gb::testing::greenbatch;

std::string read(const fs::path& p) { return gb::testing::read_text(p); }
using gb::testing::files_under;

// A run folder (greenbatch run of noop, two policies) whose summary.json holds those runs once
// per name in `models`, each with its model field set to the name: results as a hostile or
// careless producer could write them.
void write_run_folder(const fs::path& folder, const std::vector<std::string>& models) {
  const Result run = greenbatch(
      "run --model noop -r 64 -p fixed:1 -p fixed:4 -n 32 "
      "--warmup-batches 1 --idle-seconds 0 --meter estimate --out " +
      folder.string());
  ASSERT_EQ(run.code, 0) << run.output;
  const nlohmann::ordered_json runs = nlohmann::ordered_json::parse(read(folder / "summary.json"));
  ASSERT_EQ(runs.size(), 2u) << runs.dump();
  nlohmann::ordered_json docs = nlohmann::ordered_json::array();
  for (const std::string& model : models) {
    for (nlohmann::ordered_json doc : runs) {
      doc["model"] = model;
      docs.push_back(doc);
    }
  }
  std::ofstream(folder / "summary.json") << docs.dump(2);
}

class Report : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = gb::testing::scratch_dir("report"); }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

// One test, because the sweep (two real models) dominates its time and ctest runs every test in a
// process of its own.
TEST_F(Report, FromARealSweepWithEveryFigureRenderedInHeadlessChromium) {
  std::ofstream(dir_ / "tiny.toml") << R"(
[experiment]
name = "tiny"
requests = 24
warmup_batches = 1
warmup_batch_size = 4
idle_seconds = 0.2
seed = 3
[grid]
models = ["shufflenet_v2_x0_5", "alexnet"]
rates = [32]
arrival = ["paper"]
policies = ["fixed:1", "fixed:4", "greedy"]
)";
  const Result sweep =
      greenbatch("sweep " + (dir_ / "tiny.toml").string() + " --out " + (dir_ / "sweep").string());
  ASSERT_EQ(sweep.code, 0) << sweep.output;

  const Result r = greenbatch("report " + (dir_ / "sweep").string() + " --slo 5s --compare-paper");
  ASSERT_EQ(r.code, 0) << r.output;
  EXPECT_NE(r.output.find("Recommendations"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("alexnet"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("shufflenet_v2_x0_5"), std::string::npos) << r.output;
  const fs::path out = dir_ / "sweep" / "report";
  // Fig. 2 numbered in model order (publication year: alexnet, then shufflenet), never named;
  // Fig. 5 (fixed:1 and fixed:4 are two batch sizes) and Fig. 6, from the store's samples.
  for (const char* f : {"fig2_1", "fig2_2", "fig3", "fig4", "fig5", "fig6"}) {
    for (const char* ext : {".svg", ".png"}) {
      const fs::path p = out / (std::string(f) + ext);
      ASSERT_TRUE(fs::exists(p)) << p;
      EXPECT_GT(fs::file_size(p), 1000u) << p;
    }
  }
  const std::string html = read(out / "report.html");
  std::size_t figures = 0;
  for (std::size_t at = html.find("<figure"); at != std::string::npos;
       at = html.find("<figure", at + 1)) {
    ++figures;
  }
  EXPECT_EQ(figures, 6u);
  // The power trace is of the first recommendation's run, with its batches shaded.
  EXPECT_NE(html.find("Power over one run: "), std::string::npos);
  EXPECT_NE(html.find("the recommended configuration; configuration "), std::string::npos);
  EXPECT_NE(read(out / "fig6_busy.dat").find("\n"), std::string::npos);
  EXPECT_NE(html.find("Peak power at small and large batches"), std::string::npos);
  EXPECT_NE(html.find("not measurements"), std::string::npos);  // estimated energy is flagged
  EXPECT_NE(html.find("paper, GTX 1080"), std::string::npos);   // the overlay is marked
  EXPECT_NE(html.find("fixed:4"), std::string::npos);
  EXPECT_EQ(html.find("https://"), std::string::npos);  // nothing fetched from a CDN
  // Every in-page reference of the inlined figures (markers, fill patterns) has its target, once.
  EXPECT_GT(gb::testing::expect_unique_ids_and_resolved_references(html), 0);

  // The page in a real browser: every figure has a non-empty box, no script or console error.
  const Result chrome = gb::testing::run_shell(
      "timeout 120 chromium --headless --no-sandbox --disable-gpu --no-first-run "
      "--disable-background-networking --enable-logging=stderr --v=0 "
      "--virtual-time-budget=10000 --dump-dom file://" +
          (out / "report.html").string() + " 2>" + (dir_ / "chromium.log").string(),
      false);
  ASSERT_EQ(chrome.code, 0) << "chromium failed (scripts/setup.sh --test installs it): "
                            << read(dir_ / "chromium.log");
  std::smatch m;
  ASSERT_TRUE(std::regex_search(
      chrome.output, m,
      std::regex(
          R"re(<body data-figures="(\d+)" data-figures-rendered="(\d+)" data-errors="([^"]*)")re")))
      << chrome.output.substr(0, 2000);
  EXPECT_EQ(m[1].str(), "6");
  EXPECT_EQ(m[2].str(), "6") << "a figure rendered an empty box";
  EXPECT_EQ(m[3].str(), "") << "script errors in the page";
  const std::string log = read(dir_ / "chromium.log");
  EXPECT_EQ(log.find(":CONSOLE"), std::string::npos) << log;

  // An impossible budget: nothing is recommended, and the report says so. With relative paths,
  // as typed at a prompt: gnuplot runs inside the output folder, which must not break the report.
  const Result strict =
      gb::testing::run_shell("cd " + dir_.string() + " && " + gb::testing::build_dir() +
                             "/greenbatch report sweep --slo 1us --out strict");
  ASSERT_EQ(strict.code, 0) << strict.output;
  EXPECT_NE(strict.output.find("none meets the budget"), std::string::npos) << strict.output;
  EXPECT_TRUE(fs::exists(dir_ / "strict" / "report.html"));
}

// Model names that were a command for gnuplot (backquotes are command substitution in its
// double-quoted strings), a new gnuplot command (a newline, then `!` runs a shell command), a path
// out of the output folder, and a plain path to a TorchScript file (which made the old report
// fail: "cannot write .../fig2_models/tiny.pt.dat"). The report must draw them all, run nothing,
// and write only inside its output folder, naming its files itself.
TEST_F(Report, HostileModelNamesRunNothingAndWriteOnlyInsideTheOutputFolder) {
  const std::vector<std::string> models = {
      "m`touch PWNED`.pt", "m\n!touch PWNED\nset output 'PWNED'\n.pt",
      "../../x",           "../../../../../../../../tmp/gb-PWNED",
      "models/tiny.pt",    "m'`touch PWNED`'\"`touch PWNED`\""};
  write_run_folder(dir_ / "run", models);
  fs::create_directories(dir_ / "cwd");
  const std::set<std::string> before = files_under(dir_);
  // Relative paths, cwd a scratch folder of its own: a command run by gnuplot or a shell would
  // create PWNED there (or in the output folder, gnuplot's cwd).
  const Result r =
      gb::testing::run_shell("cd " + (dir_ / "cwd").string() + " && " + gb::testing::build_dir() +
                             "/greenbatch report ../run --slo 5s --out out");
  ASSERT_EQ(r.code, 0) << r.output;
  for (const std::string& f : files_under(dir_)) {
    EXPECT_EQ(f.find("PWNED"), std::string::npos) << f;
    if (!before.count(f)) {
      EXPECT_EQ(f.rfind("cwd/out", 0), 0u) << "written outside the output folder: " << f;
    }
  }
  EXPECT_FALSE(fs::exists("/tmp/gb-PWNED.dat"));
  EXPECT_FALSE(fs::exists(dir_ / "x.dat"));
  // Every file in the folder has a name of the report's own; Fig. 2 numbered in model order.
  const std::regex ours(R"re((fig[0-9]+(_[0-9]+)?(_[a-z]+)*\.(dat|gp|svg|png)|report\.html))re");
  for (const std::string& f : files_under(dir_ / "cwd" / "out")) {
    EXPECT_TRUE(std::regex_match(f, ours)) << f;
  }
  for (std::size_t i = 1; i <= models.size(); ++i) {
    const fs::path svg = dir_ / "cwd" / "out" / ("fig2_" + std::to_string(i) + ".svg");
    EXPECT_TRUE(fs::exists(svg)) << svg;
  }
  // Each name is shown, as text: the first in its figure's title, escaped by gnuplot.
  const std::string html = read(dir_ / "cwd" / "out" / "report.html");
  EXPECT_NE(html.find("m`touch PWNED`.pt: energy per image vs max response time"),
            std::string::npos);
  EXPECT_NE(html.find("<figure id=\"fig2_6\">"), std::string::npos);
  for (const std::string& f : files_under(dir_ / "cwd" / "out")) {
    if (f.size() > 3 && f.compare(f.size() - 3, 3, ".gp") == 0) {
      const std::string gp = read(dir_ / "cwd" / "out" / f);
      EXPECT_EQ(gp.find("\n!"), std::string::npos) << f << ":\n" << gp;  // no new command
      EXPECT_EQ(gp.find("\nset output 'PWNED"), std::string::npos) << f << ":\n" << gp;
    }
  }
}

// Names that run a script in the page if anything is left unescaped (text, attribute in either
// quote, inline SVG): the page opened in headless Chromium must keep its title and show them.
TEST_F(Report, ScriptsInNamesDoNotRunInTheBrowser) {
  const std::vector<std::string> models = {"<img src=x onerror=document.title='PWNED'>",
                                           "<svg onload=document.title='PWNED'>",
                                           "\" autofocus onfocus=\"document.title='PWNED'",
                                           "'><script>document.title='PWNED'</script>",
                                           "</title><script>document.title='PWNED'</script>",
                                           "' autofocus onfocus='document.title=`PWNED`' x='"};
  write_run_folder(dir_ / "run", models);
  const Result r = greenbatch("report " + (dir_ / "run").string() + " --slo 5s --out " +
                              (dir_ / "out").string());
  ASSERT_EQ(r.code, 0) << r.output;
  const std::string html = read(dir_ / "out" / "report.html");
  std::size_t scripts = 0;
  for (auto at = html.find("<script"); at != std::string::npos; at = html.find("<script", at + 1)) {
    ++scripts;
  }
  EXPECT_EQ(scripts, 1u) << "only the page's own script";

  const fs::path profile = dir_ / "chromium-profile";
  const Result chrome = gb::testing::run_shell(
      "timeout 120 chromium --headless --no-sandbox --disable-gpu --no-first-run "
      "--disable-background-networking --user-data-dir=" +
          profile.string() + " --virtual-time-budget=5000 --dump-dom file://" +
          (dir_ / "out" / "report.html").string() + " 2>" + (dir_ / "chromium.log").string(),
      false);
  ASSERT_EQ(chrome.code, 0) << "chromium failed (scripts/setup.sh --test installs it): "
                            << read(dir_ / "chromium.log");
  // The sentinel: any payload that ran set document.title, which --dump-dom shows.
  std::smatch title;
  ASSERT_TRUE(std::regex_search(chrome.output, title, std::regex("<title>([^<]*)</title>")))
      << chrome.output.substr(0, 2000);
  EXPECT_EQ(title[1].str(), "greenbatch report: run");
  EXPECT_EQ(chrome.output.find("PWNED</title>"), std::string::npos);
  EXPECT_EQ(chrome.output.find("<img"), std::string::npos);
  EXPECT_EQ(chrome.output.find("<svg onload"), std::string::npos);
  EXPECT_EQ(chrome.output.find("autofocus=\""), std::string::npos);  // no attribute made
  std::smatch body;
  ASSERT_TRUE(std::regex_search(
      chrome.output, body,
      std::regex(
          R"re(<body data-figures="(\d+)" data-figures-rendered="(\d+)" data-errors="([^"]*)")re")));
  // Fig. 2 of each, Fig. 3, Fig. 5 (two batch sizes) and Fig. 6 (the run folder's samples).
  EXPECT_EQ(body[1].str(), std::to_string(models.size() + 3));
  EXPECT_EQ(body[2].str(), body[1].str());
  EXPECT_EQ(body[3].str(), "");
  // Shown as text: the first name, in the recommendations table.
  EXPECT_NE(chrome.output.find("&lt;img src=x onerror=document.title='PWNED'&gt;"),
            std::string::npos);
}

// `text` as one word for a POSIX shell: single-quoted, where the shell expands nothing.
std::string shell_quoted(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// A TorchScript image classifier (N x 3 x H x W -> N x 10 logits: average pool, linear), saved to
// the path in argv[1].
const char* kMakeTinyClassifier = R"(
import sys
import torch

class Tiny(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.pool = torch.nn.AdaptiveAvgPool2d(1)
        self.fc = torch.nn.Linear(3, 10)

    def forward(self, x):
        return self.fc(torch.flatten(self.pool(x), 1))

torch.manual_seed(0)
torch.jit.save(torch.jit.script(Tiny().eval()), sys.argv[1])
)";

// A real TorchScript file whose name is a command for a shell or gnuplot (backquotes), measured by
// greenbatch run and reported: both succeed, the name is shown as text, and nothing runs it.
TEST_F(Report, ATorchScriptFileNamedLikeACommandIsMeasuredAndReportedRunningNothing) {
  const char* ci = std::getenv("CI");
  const Result torch = gb::testing::run_shell("/usr/bin/python3 -c 'import torch'");
  if (torch.code != 0) {
    if (ci && *ci) FAIL() << "/usr/bin/python3 cannot import torch on CI: " << torch.output;
    GTEST_SKIP() << "/usr/bin/python3 cannot import torch (scripts/setup.sh --test installs it): "
                 << torch.output;
  }
  const std::string model = "m`touch PWNED`.pt";
  const fs::path work = dir_ / "work";
  fs::create_directories(work);
  std::ofstream(dir_ / "make_model.py") << kMakeTinyClassifier;
  const std::string in_work = "cd " + shell_quoted(work.string()) + " && ";
  const Result made = gb::testing::run_shell(in_work + "/usr/bin/python3 " +
                                             shell_quoted((dir_ / "make_model.py").string()) + " " +
                                             shell_quoted(model));
  ASSERT_EQ(made.code, 0) << made.output;
  ASSERT_TRUE(fs::is_regular_file(work / model));
  ASSERT_FALSE(fs::exists(work / "PWNED"));
  const fs::path cwd = fs::current_path();
  const bool cwd_had_pwned = fs::exists(cwd / "PWNED");
  const std::set<std::string> before = files_under(dir_);

  // Relative paths, as typed at a prompt: the model's name is the file name as given.
  const std::string bin = shell_quoted(gb::testing::build_dir() + "/greenbatch");
  const Result run = gb::testing::run_shell(
      in_work + bin + " run --model " + shell_quoted(model) +
      " --requests 16 --rate 1000 --policy fixed:4 --warmup-batches 1 --warmup-batch-size 4 "
      "--idle-seconds 0 --meter estimate --device cpu --out run");
  ASSERT_EQ(run.code, 0) << run.output;
  EXPECT_NE(run.output.find(model), std::string::npos) << run.output;
  const Result report = gb::testing::run_shell(in_work + bin + " report run --slo 5s");
  ASSERT_EQ(report.code, 0) << report.output;

  for (const std::string& f : files_under(dir_)) {
    EXPECT_NE(fs::path(f).filename().string(), "PWNED") << f;
    if (!before.count(f)) {
      EXPECT_EQ(f.find("PWNED"), std::string::npos) << "a file named after the model: " << f;
    }
  }
  if (!cwd_had_pwned) {
    EXPECT_FALSE(fs::exists(cwd / "PWNED")) << cwd;
  }
  const fs::path out = work / "run" / "report";
  for (const char* f : {"fig2_1", "fig3"}) {  // the model's Fig. 2, and Fig. 3
    for (const char* ext : {".svg", ".png"}) {
      const fs::path p = out / (std::string(f) + ext);
      ASSERT_TRUE(fs::exists(p)) << p;
      EXPECT_GT(fs::file_size(p), 1000u) << p;
    }
  }
  ASSERT_TRUE(fs::exists(out / "report.html"));
  const std::string html = read(out / "report.html");
  EXPECT_NE(html.find("<figure id=\"fig2_1\">"), std::string::npos);
  // Shown as text: in its figure's title (quoted for gnuplot, which drew it into the inline SVG),
  // and in the page's tables (nothing in it for HTML to escape).
  EXPECT_NE(html.find("<text>" + model + ": energy per image vs max response time</text>"),
            std::string::npos);
  EXPECT_NE(html.find("<td>" + model + "</td>"), std::string::npos);
}

TEST_F(Report, BadInputIsOneLineAndWritesNothing) {
  fs::create_directories(dir_ / "empty");
  for (const std::string& args :
       {(dir_ / "empty").string(), (dir_ / "absent").string(),
        (dir_ / "sweep").string() + " --slo 0s", (dir_ / "sweep").string() + " --slo fast"}) {
    const Result r = greenbatch("report " + args + " --out " + (dir_ / "bad-out").string());
    EXPECT_EQ(r.code, 2) << args << "\n" << r.output;
    EXPECT_EQ(std::count(r.output.begin(), r.output.end(), '\n'), 1) << r.output;
    EXPECT_FALSE(fs::exists(dir_ / "bad-out")) << args;
  }
}

TEST(PaperReference, HasTheHundredPublishedConfigurations) {
  const auto& points = gb::paper_points();
  EXPECT_EQ(points.size(), 175u);
  std::size_t first = 0;
  for (const auto& p : points) first += p.repetition == 1;
  EXPECT_EQ(first, 100u);
  for (const auto& p : points) {
    EXPECT_GT(p.energy_per_image_j, 0) << p.model;
    EXPECT_TRUE(p.model == "alexnet" || p.model == "densenet121" ||
                p.model == "shufflenet_v2_x0_5" || p.model == "vit_b_16" ||
                p.model == "convnext_base")
        << p.model;
  }
}

}  // namespace
