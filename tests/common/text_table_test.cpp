#include "common/text_table.h"

#include <gtest/gtest.h>

#include <cmath>
#include <sstream>

namespace gb {
namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

Table wide_table() {
  Table t;
  t.header = {"policy", "energy/img (µJ)", "p99 (ms)", "batches", "idle/img (µJ)", "detail"};
  t.numeric = {false, true, true, true, true, false};
  t.drop = {0, 0, 0, 2, 1, 0};
  t.wrap = {false, false, false, false, false, true};
  t.rows.push_back({"fixed:8", "2.27", "12.5", "24", "1.10",
                    "a long explanation of what this row means, in words that fold"});
  t.rows.push_back({"greedy", "0.31", "3.0", "192", "0.20", "short"});
  return t;
}

TEST(Table, CountsCharactersNotBytes) {
  EXPECT_EQ(display_width("µJ ±"), 4u);
  Table t;
  t.header = {"µJ", "x"};
  t.rows.push_back({"1", "2"});
  t.numeric = {true, false};
  const auto lines = lines_of(t.render());
  EXPECT_EQ(lines[0], " µJ  x");
  EXPECT_EQ(lines[2], "  1  2");
}

TEST(Table, LeavesOutColumnsByRankThenFoldsProseToFit) {
  const Table t = wide_table();
  const std::string all = t.render();
  EXPECT_NE(all.find("batches"), std::string::npos);
  EXPECT_EQ(all.find("--wide"), std::string::npos);
  for (const std::size_t width : {100u, 72u, 60u}) {
    SCOPED_TRACE(width);
    const auto lines = lines_of(t.render(width));
    for (const std::string& line : lines) EXPECT_LE(display_width(line), width) << line;
  }
  // 72 columns: "batches" (rank 2) goes first, then "idle/img" (rank 1); the note names both in
  // the table's order.
  const std::string narrow = t.render(72);
  EXPECT_EQ(lines_of(narrow)[0].find("batches"), std::string::npos);
  EXPECT_NE(narrow.find("(2 more columns: batches, idle/img (µJ); --wide shows them)"),
            std::string::npos)
      << narrow;
  // The prose is folded at spaces, every word kept.
  const std::string folded = t.render(60);
  for (const char* word : {"explanation", "fold", "short"}) {
    EXPECT_NE(folded.find(word), std::string::npos) << word;
  }
  EXPECT_GT(lines_of(folded).size(), 2u + t.rows.size() + 1u);  // header, rule, rows, note
  EXPECT_EQ(lines_of(all).size(), 2u + t.rows.size());
}

TEST(Table, ScalesAColumnToOneUnitWithAlignedDecimals) {
  const ScaledColumn j = scale_column({3.1e-6, 2.2e-6, 1.627e-6}, "J");
  EXPECT_EQ(j.unit, "µJ");
  EXPECT_EQ(j.cells, (std::vector<std::string>{"3.10", "2.20", "1.63"}));
  const ScaledColumn rate = scale_column({115727929.0, 2e6}, "/s");
  EXPECT_EQ(rate.unit, "M/s");
  EXPECT_EQ(rate.cells, (std::vector<std::string>{"115.73", "2.00"}));
  // An overloaded run's 1377 s neither makes the others 0.00 nor the unit ks: it names its own.
  const ScaledColumn s = scale_column({0.0126, 0.3, 0.0402, 1377.06}, "s", 3, 0);
  EXPECT_EQ(s.unit, "ms");
  EXPECT_EQ(s.cells, (std::vector<std::string>{"12.6", "300.0", "40.2", "1377 s"}));
  EXPECT_EQ(scale_column({2e-5, 0.017}, "s", 3, 0).cells,
            (std::vector<std::string>{"20.0", "17.0 ms"}));
  const ScaledColumn w = scale_column({45.26, 3.0, std::nan("")}, "W");
  EXPECT_EQ(w.unit, "W");
  EXPECT_EQ(w.cells, (std::vector<std::string>{"45.26", "3.00", "-"}));
  EXPECT_EQ(scale_column({0.0, 0.0}, "J").cells, (std::vector<std::string>{"0", "0"}));
}

}  // namespace
}  // namespace gb
