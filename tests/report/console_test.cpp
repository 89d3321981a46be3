// The terminal's summary of a run command: a run too short for its energy is said to be, in one
// line naming the policy and the reason.
#include "report/console.h"

#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "common/text_table.h"
#include "profile/profile.h"
#include "test_paths.h"

namespace gb {
namespace {

std::string testing_profile() {
  return testing::source_dir() + "/configs/profiles/cpu-epyc-2vcpu/shufflenet_v2_x0_5.json";
}

RunSummary run_of(const char* policy, std::size_t requests) {
  RunSummary s;
  s.spec.policy = PolicySpec::parse(policy);
  s.policy = s.spec.policy.canonical();
  s.requests = requests;
  s.batches = 1;
  s.time_s = 1;
  return s;
}

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) {
    ++n;
  }
  return n;
}

TEST(Console, RunsTooShortForEnergyAreNamedInOneLine) {
  std::vector<RunSummary> runs = {run_of("fixed:4", 8), run_of("greedy", 1000),
                                  run_of("fixed:8", 8)};
  judge_validity(runs[0], 64, Nanos(0));
  judge_validity(runs[1], 64, Nanos(0));
  judge_validity(runs[2], 64, Nanos(0));
  const std::string text = run_results_text(runs, "out", kUnlimitedWidth);
  EXPECT_EQ(count(text, "NOT valid for energy"), 1u) << text;
  EXPECT_NE(text.find("fixed:4 (8 requests < min_valid_requests 64); fixed:8 (8 requests"),
            std::string::npos)
      << text;
  EXPECT_EQ(text.find("greedy:128 ("), std::string::npos) << text;

  const std::string valid = run_results_text({runs[1]}, "out");
  EXPECT_EQ(valid.find("valid for energy"), std::string::npos) << valid;
}

TEST(Console, TheRunTableFitsTheTerminalUnlessWide) {
  const std::vector<RunSummary> runs = {run_of("triton:max=16,preferred=4|8,delay=5ms", 1000),
                                        run_of("greedy", 1000)};
  const std::string fitted = run_results_text(runs, "out");
  std::istringstream lines(fitted);
  for (std::string line; std::getline(lines, line);) {
    EXPECT_LE(display_width(line), kTerminalWidth) << line;
  }
  EXPECT_NE(fitted.find("--wide shows them"), std::string::npos) << fitted;
  const std::string wide = run_results_text(runs, "out", kUnlimitedWidth);
  EXPECT_EQ(wide.find("--wide"), std::string::npos) << wide;
  for (const char* column : {"batches", "p50 (", "capacity (", "throughput ("}) {
    EXPECT_NE(wide.find(column), std::string::npos) << column;
  }
}

// A sweep over policy x engine x precision of a long-named model (as configs/levers.toml): its
// table fits, its columns stay aligned (no line of it refolded as prose), and the levers column
// names the values in the report's words.
TEST(Console, TheSweepTableOfALeverSweepFitsAndStaysAligned) {
  std::vector<RunSummary> runs;
  for (const char* policy : {"fixed:8", "fixed:32", "greedy"}) {
    for (Engine engine : {Engine::kEager, Engine::kOptimized}) {
      for (Precision precision : {Precision::kFp32, Precision::kBf16}) {
        RunSummary s = run_of(policy, 256);
        s.spec.model = ModelRef{ModelRef::Kind::kBuiltin, "shufflenet_v2_x0_5"};
        s.spec.set_arrival("paper", 64);
        s.spec.engine = engine;
        s.spec.precision = precision;
        s.response_s.p99 = 0.6;
        s.response_s.max = 0.63;
        s.mean_batch_size = 8;
        runs.push_back(s);
      }
    }
  }
  const std::string text =
      sweep_done_text("levers", runs.size(), "/tmp/levers", "results.sqlite", runs, 62);
  std::istringstream lines(text);
  std::size_t rows = 0;
  for (std::string line; std::getline(lines, line);) {
    EXPECT_LE(display_width(line), kTerminalWidth) << line;
    if (line.rfind(" shufflenet_v2_x0_5  ", 0) == 0) ++rows;
  }
  EXPECT_EQ(rows, runs.size()) << text;
  EXPECT_NE(text.find("  optimized, bf16  "), std::string::npos) << text;
  EXPECT_NE(text.find(" levers "), std::string::npos) << text;
}

// A profile says which levers it was measured at (one profile serves one combination), and what
// it read from a file cannot drive the terminal.
TEST(Console, AProfileNamesItsLeversAndLosesControlCharacters) {
  ServiceProfile p = ServiceProfile::load(testing_profile());
  p.levers["engine"] = "optimized";
  p.levers["precision"] = "bf16";
  p.levers["power_limit"] = "default";
  p.device_name = "cpu\x1b[2J (2 threads)";
  const std::string text = profile_text(p, "p.json");
  EXPECT_NE(text.find("on cpu[2J (2 threads) | engine=optimized, precision=bf16 |"),
            std::string::npos)
      << text;
  EXPECT_EQ(text.find("power_limit"), std::string::npos) << text;
  EXPECT_EQ(text.find('\x1b'), std::string::npos) << text;
}

TEST(Console, TheResultFolderIsNamedWithOneSlash) {
  for (const char* out : {"results", "results/", "results//"}) {
    const std::string text = run_results_text({run_of("fixed:4", 100)}, out);
    EXPECT_NE(text.find("results in results/\n"), std::string::npos) << out << ":\n" << text;
  }
}

}  // namespace
}  // namespace gb
