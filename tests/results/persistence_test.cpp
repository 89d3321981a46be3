// The shared pieces of persistence: one column table, one CSV line builder, one request-row
// builder, one machine de-duplication, and export's CSV writer on top of the atomic write.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

#include "common/errors.h"
#include "results/aggregate.h"
#include "results/machine.h"
#include "results/result_folder.h"
#include "results/summary.h"
#include "test_paths.h"

namespace gb {
namespace {

namespace fs = std::filesystem;
using nlohmann::ordered_json;

TEST(ResultColumns, EveryNamedColumnIsOneThatSummaryRowWrites) {
  RunSummary s;
  s.policy = s.batch_size_label = "fixed:2";
  const ordered_json row = summary_row(s);
  for (const char* c :
       {columns::kBatchSize, columns::kAveragePower, columns::kAveragePeakPower, columns::kModel,
        columns::kDevice, columns::kArrival, columns::kRateHz, columns::kPolicy,
        columns::kMeanBatchSize, columns::kEnergyPerImage, columns::kP99Response,
        columns::kMaxResponse, columns::kEnergyMethod, columns::kSeed, columns::kSimulated,
        columns::kComplete, columns::kVersion}) {
    EXPECT_TRUE(row.contains(c)) << c;
  }
  EXPECT_EQ(row.begin().key(), columns::kBatchSize);  // the paper's columns first
  EXPECT_FALSE(row.contains(columns::kFormat));       // summary.csv keeps its columns
  const ordered_json doc = summary_document(s);
  EXPECT_EQ(doc.begin().key(), columns::kFormat);
  EXPECT_EQ(doc[columns::kFormat], kResultsFormat);
}

TEST(ResultCsv, LinesFollowTheHeaderRowAndLeaveMissingCellsEmpty) {
  const ordered_json layout = {{"a", 1}, {"b, quoted", "x"}, {"c", nullptr}};
  EXPECT_EQ(csv_header(layout), "a,\"b, quoted\",c");
  EXPECT_EQ(csv_line(layout, layout), "1,x,");
  const ordered_json other = {{"c", 0.5}, {"a", "y,z"}};  // another order, "b" missing
  EXPECT_EQ(csv_line(other, layout), "\"y,z\",,0.5");
}

TEST(ResultRequests, OneRowPerRequestWithItsBatch) {
  RunTrace t;
  t.scheduled = {Nanos(0), Nanos(1'000'000'000), Nanos(2'000'000'000)};
  t.released = {Nanos(1), Nanos(1'000'000'001), Nanos(2'000'000'001)};
  t.batches = {{0, 1, Nanos(500'000'000), Nanos(750'000'000)},
               {1, 2, Nanos(2'500'000'000), Nanos(3'000'000'000)}};
  std::vector<RequestRow> rows;
  for_each_request(t, [&](const RequestRow& r) { rows.push_back(r); });
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].batch, 0u);
  EXPECT_DOUBLE_EQ(rows[0].end_s, 0.75);
  EXPECT_EQ(rows[2].id, 2u);
  EXPECT_EQ(rows[2].batch, 1u);
  EXPECT_DOUBLE_EQ(rows[2].scheduled_s, 2.0);
  EXPECT_DOUBLE_EQ(rows[2].released_s, 2.000000001);
  EXPECT_DOUBLE_EQ(rows[2].start_s, 2.5);
}

TEST(ResultMachines, EachDescriptionIsKeptOnce) {
  ordered_json list = ordered_json::array();
  const ordered_json a = {{"hostname", "a"}, {"gpus", {"x"}}};
  const ordered_json b = {{"hostname", "b"}};
  EXPECT_TRUE(add_unique_machine(list, a));
  EXPECT_TRUE(add_unique_machine(list, b));
  EXPECT_FALSE(add_unique_machine(list, ordered_json{{"hostname", "a"}, {"gpus", {"x"}}}));
  EXPECT_EQ(list, (ordered_json{a, b}));
}

// Runs named alike but of different configurations (other requests, say, or seeds) stay apart.
TEST(ResultAggregate, RunsPoolByGroupIdAndRunsWithoutOneByWhatTheirRowsSay) {
  RunSummary s;
  s.policy = s.batch_size_label = "fixed:2";
  s.requests = 4;
  const ordered_json doc = summary_document(s);
  const std::vector<StoredRun> stored = {
      {0, 0, doc, "a0", "a"}, {1, 1, doc, "a1", "a"}, {2, 0, doc, "b0", "b"}};
  const auto rows = aggregate_configurations(stored);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0][columns::kRepetitions], 2);
  EXPECT_EQ(rows[0][columns::kGroupId], "a");
  EXPECT_EQ(rows[1][columns::kRepetitions], 1);
  EXPECT_FALSE(rows[0].contains(columns::kFormat));              // a row is not a summary document
  EXPECT_EQ(std::prev(rows[0].end()).key(), columns::kGroupId);  // the new column is last

  const std::vector<StoredRun> folder = {{0, 0, doc}, {1, 0, doc}};  // a run folder's: no ids
  const auto pooled = aggregate_configurations(folder);
  ASSERT_EQ(pooled.size(), 1u);
  EXPECT_EQ(pooled[0][columns::kRepetitions], 2);
  EXPECT_TRUE(pooled[0][columns::kGroupId].is_null());
}

TEST(ResultExport, WriteCsvIsAtomicAndABadFolderIsTheUsersToFix) {
  const fs::path dir = testing::scratch_dir("export");
  const std::string path = (dir / "e.csv").string();
  write_csv(path, {{{"x", 1}, {"y", "a"}}, {{"x", 2}}});
  std::ifstream in(path);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(text, "x,y\n1,a\n2,\n");
  for (const auto& e : fs::directory_iterator(dir)) {
    EXPECT_EQ(e.path().filename(), "e.csv");  // no temporary left
  }
  EXPECT_THROW(write_csv((dir / "missing" / "e.csv").string(), {}), UsageError);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace gb
