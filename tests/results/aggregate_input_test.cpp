// aggregate_configurations on hostile or damaged stored summaries: a missing or mistyped field is
// a UsageError naming the run and the field, never a crash or a message about types alone.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "common/errors.h"
#include "results/aggregate.h"
#include "results/summary.h"

namespace gb {
namespace {

using nlohmann::ordered_json;

ordered_json good_summary(const std::string& run_id, double energy) {
  ordered_json s;
  s["Batch Size"] = 4;
  s[columns::kModel] = "noop";
  s[columns::kDevice] = "cpu";
  s[columns::kArrival] = "poisson";
  s[columns::kRateHz] = 50.0;
  s[columns::kPolicy] = "fixed:4";
  s[columns::kEnergyPerImage] = energy;
  s[columns::kP99Response] = 0.02;
  s[columns::kMaxResponse] = 0.03;
  s[columns::kThroughput] = 49.5;
  s["run_id"] = run_id;
  return s;
}

std::vector<StoredRun> two_runs() {
  return {StoredRun{0, 0, good_summary("run-0001", 1.0)},
          StoredRun{0, 1, good_summary("run-0002", 2.0)}};
}

std::string message_of(const std::vector<StoredRun>& runs) {
  try {
    aggregate_configurations(runs);
  } catch (const UsageError& e) {
    return e.what();
  }
  return "(aggregated)";
}

TEST(AggregateInput, GoodRunsPool) {
  const auto rows = aggregate_configurations(two_runs());
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_DOUBLE_EQ(rows[0][columns::kEnergyPerImage].get<double>(), 1.5);
  EXPECT_EQ(rows[0][columns::kRepetitions], 2);
}

// A load of a server on another machine measures no energy: null pools to null, not to 0 J,
// and is not mistaken for a damaged field.
TEST(AggregateInput, UnmeasuredEnergyPoolsToNull) {
  auto runs = two_runs();
  for (StoredRun& r : runs) r.summary[columns::kEnergyPerImage] = nullptr;
  const auto rows = aggregate_configurations(runs);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_TRUE(rows[0][columns::kEnergyPerImage].is_null());
  EXPECT_TRUE(rows[0][columns::ci95(columns::kEnergyPerImage)].is_null());
  runs[0].summary[columns::kP99Response] = nullptr;  // only energy may be unmeasured
  EXPECT_NE(message_of(runs).find(columns::kP99Response), std::string::npos);
}

// Thread counts tell configurations apart, in run folders (no ids) and in stores (same group id
// from shards on machines with different CPU counts) alike; an overloaded repetition marks the
// pooled configuration.
TEST(AggregateInput, RunsWithOtherThreadCountsAreNotRepetitions) {
  for (const char* group : {"", "g1"}) {
    auto runs = two_runs();
    for (auto& r : runs) r.group_id = group;
    runs[0].summary[columns::kThreads] = 1;
    runs[1].summary[columns::kThreads] = 2;
    EXPECT_EQ(aggregate_configurations(runs).size(), 2u) << group;
    runs[1].summary[columns::kThreads] = 1;
    runs[1].summary[columns::kOverloaded] = true;
    runs[0].summary[columns::kOverloaded] = false;
    const auto rows = aggregate_configurations(runs);
    ASSERT_EQ(rows.size(), 1u) << group;
    EXPECT_EQ(rows[0][columns::kOverloaded], true);
    EXPECT_EQ(rows[0][columns::kThreads], 1);
  }
}

// Rows written before a lever existed lack its column; rows written after hold its baseline. In
// a run folder (no ids) and in a store (one group id) they are repetitions of one configuration;
// a value off the baseline is another configuration.
TEST(AggregateInput, ALeverAbsentOrAtItsBaselineIsTheSameConfiguration) {
  for (const char* group : {"", "g1"}) {
    auto runs = two_runs();
    for (auto& r : runs) r.group_id = group;
    runs[1].summary["engine"] = "eager";
    runs[1].summary["precision"] = "fp32";
    runs[1].summary["power_limit"] = "default";
    runs[1].summary["gpu_clocks"] = "default";
    const auto rows = aggregate_configurations(runs);
    ASSERT_EQ(rows.size(), 1u) << group;
    EXPECT_EQ(rows[0][columns::kRepetitions], 2) << group;
    runs[1].summary["power_limit"] = "200W";
    EXPECT_EQ(aggregate_configurations(runs).size(), 2u) << group;
  }
}

TEST(AggregateInput, MissingFigureNamesTheRunAndTheField) {
  for (const char* field :
       {columns::kEnergyPerImage, columns::kP99Response, columns::kMaxResponse}) {
    auto runs = two_runs();
    runs[1].summary.erase(field);
    EXPECT_EQ(message_of(runs), "run 'run-0002': field '" + std::string(field) + "' is missing");
  }
}

TEST(AggregateInput, MistypedFieldsNameTheRunTheFieldAndTheKind) {
  auto runs = two_runs();
  runs[0].summary[columns::kP99Response] = "fast";
  EXPECT_EQ(message_of(runs),
            "run 'run-0001': field 'response_p99_s' must be a number, not string");

  runs = two_runs();
  runs[1].summary[columns::kThroughput] = "many";  // an averaged column of the first run
  EXPECT_EQ(message_of(runs),
            "run 'run-0002': field 'throughput_rps' must be a number, not string");

  runs = two_runs();
  runs[0].summary[columns::kModel] = 7;
  EXPECT_EQ(message_of(runs), "run 'run-0001': field 'model' must be text, not number");

  runs = two_runs();
  runs[0].summary[columns::kRateHz] = "fifty";
  EXPECT_EQ(message_of(runs),
            "run 'run-0001': field 'rate_hz' must be a number or null, not string");
}

TEST(AggregateInput, RunsWithoutRunIdAreNamedByIdOrPosition) {
  auto runs = two_runs();
  runs[1].summary.erase("run_id");
  runs[1].summary.erase(columns::kMaxResponse);
  EXPECT_EQ(message_of(runs), "run 2: field 'response_max_s' is missing");
  runs[1].id = "abc123";
  EXPECT_EQ(message_of(runs), "run 'abc123': field 'response_max_s' is missing");
}

TEST(AggregateInput, SummaryThatIsNotAnObjectIsRefused) {
  auto runs = two_runs();
  runs[0].summary = ordered_json::array({1, 2});
  EXPECT_EQ(message_of(runs), "run 1: summary must be an object, not array");
  runs[0].summary = nullptr;
  EXPECT_EQ(message_of(runs), "run 1: summary must be an object, not null");
}

TEST(AggregateInput, AbsentOrNullOptionalColumnsStillPool) {
  auto runs = two_runs();
  runs[1].summary.erase(columns::kThroughput);
  runs[1].summary.erase(columns::kPolicy);  // pools by group id below, so the key is not needed
  runs[0].group_id = runs[1].group_id = "g";
  const auto rows = aggregate_configurations(runs);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_DOUBLE_EQ(rows[0][columns::kThroughput].get<double>(), 49.5);
  runs[1].summary[columns::kThroughput] = nullptr;
  EXPECT_EQ(aggregate_configurations(runs).size(), 1u);
}

TEST(AggregateInput, PooledRepetitionsAreValidForEnergyOnlyIfAllAre) {
  auto runs = two_runs();
  runs[0].summary[columns::kValidForEnergy] = true;
  runs[1].summary[columns::kValidForEnergy] = false;
  EXPECT_EQ(aggregate_configurations(runs)[0][columns::kValidForEnergy], false);
  runs[1].summary.erase(columns::kValidForEnergy);  // a document from before the column: valid
  EXPECT_EQ(aggregate_configurations(runs)[0][columns::kValidForEnergy], true);
}

}  // namespace
}  // namespace gb

namespace gb {
namespace {

TEST(WriteCsv, AFolderGivenAsTheFileIsNamedWithTheFix) {
  const auto dir = std::filesystem::temp_directory_path();
  try {
    write_csv(dir.string(), {});
    ADD_FAILURE() << "wrote a CSV over a folder";
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("is a folder: name the CSV file to write"),
              std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace gb
