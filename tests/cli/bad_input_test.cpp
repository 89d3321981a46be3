// The bad-input corpus (tests/cli/bad-input/cases.txt): experiment files, traces, profiles, images,
// policy and duration strings, models, devices and meters that every command must refuse as bad
// input: exit 2, one line naming the problem, and nothing written.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "command_runner.h"
#include "test_paths.h"

namespace {

namespace fs = std::filesystem;

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (std::size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) {
    s.replace(at, from.size(), to);
  }
  return s;
}

TEST(BadInputCorpus, EveryCaseIsOneLineExitTwoAndWritesNothing) {
  const std::string corpus = gb::testing::source_dir() + "/tests/cli/bad-input";
  const fs::path scratch = gb::testing::scratch_dir("bad-input");
  const std::string out = (scratch / "out").string();
  std::ifstream cases(corpus + "/cases.txt");
  ASSERT_TRUE(cases) << corpus;
  std::size_t count = 0;
  for (std::string line; std::getline(cases, line);) {
    if (line.empty() || line[0] == '#') continue;
    const auto arrow = line.find(" => ");
    ASSERT_NE(arrow, std::string::npos) << line;
    const std::string args =
        replace_all(replace_all(line.substr(0, arrow), "{D}", corpus), "{OUT}", out);
    const std::string expected =
        "greenbatch: error: " + replace_all(line.substr(arrow + 4), "{D}", corpus);
    SCOPED_TRACE(args);
    const gb::testing::CommandResult r = gb::testing::greenbatch(args);
    EXPECT_EQ(r.code, 2) << r.output;
    EXPECT_EQ(r.output.rfind(expected, 0), 0u) << r.output;
    EXPECT_EQ(r.output.find('\n'), r.output.size() - 1) << "more than one line: " << r.output;
    EXPECT_FALSE(fs::exists(out)) << "wrote " << out;
    fs::remove_all(out);
    ++count;
  }
  EXPECT_GE(count, 30u);
  fs::remove_all(scratch);
}

}  // namespace
