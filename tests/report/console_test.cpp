// The terminal's summary of a run command: a run too short for its energy is said to be, in one
// line naming the policy and the reason.
#include "report/console.h"

#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

namespace gb {
namespace {

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

TEST(Console, TheResultFolderIsNamedWithOneSlash) {
  for (const char* out : {"results", "results/", "results//"}) {
    const std::string text = run_results_text({run_of("fixed:4", 100)}, out);
    EXPECT_NE(text.find("results in results/\n"), std::string::npos) << out << ":\n" << text;
  }
}

}  // namespace
}  // namespace gb
