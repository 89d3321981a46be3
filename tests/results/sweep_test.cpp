#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <string>
#include <vector>

#include "common/errors.h"
#include "common/statistics.h"
#include "results/aggregate.h"
#include "results/experiment_file.h"
#include "results/result_store.h"
#include "store_fakes.h"
#include "test_paths.h"

namespace gb {
namespace {

namespace fs = std::filesystem;

using testing::fake_summary;
using testing::fake_trace;
constexpr const char* kGood = testing::kSmallSweep;

TEST(ExperimentFile, ParsesSettingsAndGrid) {
  const ExperimentFile f = parse_experiment(kGood, "t.toml");
  EXPECT_EQ(f.name, "t");
  EXPECT_EQ(f.base.requests, 64u);
  EXPECT_EQ(f.base.warmup_batches, 2u);
  EXPECT_EQ(f.base.warmup_batch_size, 32u);  // default
  EXPECT_EQ(f.repetitions, 2u);
  EXPECT_EQ(f.base.sample_interval, std::chrono::milliseconds(20));
  EXPECT_EQ(f.base.idle_duration, Nanos(0));
  EXPECT_EQ(f.models, (std::vector<std::string>{"noop", "alexnet"}));
  EXPECT_EQ(f.rates, (std::vector<double>{16, 32}));
}

TEST(ExperimentFile, GridProductWithModelsOuterAndStableIndices) {
  const auto all = expand(parse_experiment(kGood, "t.toml"));
  ASSERT_EQ(all.size(), 2u * 2 * 2 * 2);
  std::set<std::size_t> indices;
  for (std::size_t i = 0; i < all.size(); ++i) {
    indices.insert(all[i].index);
    EXPECT_EQ(all[i].spec.model.name, i < 8 ? "noop" : "alexnet");
  }
  EXPECT_EQ(indices.size(), all.size());
  EXPECT_EQ(all[0].spec.policy.canonical(), "fixed:16");
  EXPECT_EQ(all[2].spec.policy.canonical(), "greedy:128");  // canonical spelling
  EXPECT_EQ(all[1].repetition, 1u);
  EXPECT_EQ(all[1].spec.seed, 6u);  // repetitions get their own schedules
}

TEST(ExperimentFile, ShuffleKeepsModelsOuterAndTheSameSet) {
  std::string text = kGood;
  text.replace(text.find("seed = 5"), 8, "seed = 5\nshuffle = true");
  const auto plain = expand(parse_experiment(kGood, "t.toml"));
  const auto shuffled = expand(parse_experiment(text, "t.toml"));
  ASSERT_EQ(plain.size(), shuffled.size());
  std::set<std::size_t> a, b;
  bool moved = false;
  for (std::size_t i = 0; i < plain.size(); ++i) {
    a.insert(plain[i].index);
    b.insert(shuffled[i].index);
    EXPECT_EQ(plain[i].spec.model, shuffled[i].spec.model);
    moved |= plain[i].index != shuffled[i].index;
  }
  EXPECT_EQ(a, b);
  EXPECT_TRUE(moved);
}

TEST(ExperimentFile, ShardsPartitionTheSweepByIdHash) {
  const auto all = expand(parse_experiment(kGood, "t.toml"));
  std::set<std::string> seen;
  for (std::size_t i = 0; i < 3; ++i) {
    for (const Configuration& c : shard(all, i, 3)) {
      EXPECT_EQ(std::stoull(c.id, nullptr, 16) % 3, i);
      EXPECT_TRUE(seen.insert(c.id).second);
    }
  }
  EXPECT_EQ(seen.size(), all.size());
}

struct BadCase {
  const char* text;
  const char* expect;  // substring of the error
};

TEST(ExperimentFile, BadFilesNameTheKeyAndLine) {
  const BadCase cases[] = {
      {"[experiment]\nrequests = 10\nbogus = 1\n[grid]\nmodels=[\"noop\"]\nrates=[1]\narrival=["
       "\"paper\"]\npolicies=[\"greedy\"]\n",
       "t.toml:3: unknown key 'experiment.bogus'"},
      {"[experiment]\nrequests = \"many\"\n[grid]\nmodels=[\"noop\"]\nrates=[1]\narrival=["
       "\"paper\"]\npolicies=[\"greedy\"]\n",
       "t.toml:2: 'experiment.requests' must be an integer"},
      {"[experiment]\n[grid]\nmodels=[]\nrates=[1]\narrival=[\"paper\"]\npolicies=[\"greedy\"]\n",
       "t.toml:3: 'grid.models' is an empty list"},
      {"[experiment]\n[grid]\nmodels=[\"noop\"]\nrates=[1]\narrival=[\"paper\"]\npolicies=["
       "\"fixed:0\"]\n",
       "t.toml:6: policy 'fixed:0'"},
      {"[experiment]\n[grid]\nmodels=[\"noop\"]\nrates=[0]\narrival=[\"paper\"]\npolicies=["
       "\"greedy\"]\n",
       "t.toml:4: 'grid.rates' must all be > 0"},
      {"[experiment]\n[grid]\nmodels=[\"noop\"]\nrates=[1]\npolicies=[\"greedy\"]\n",
       "'grid.arrival' is missing"},
      {"[experiment\n", "t.toml:1:"},
      {"[grid]\nmodels=[\"noop\"]\n", "section [experiment] is missing"},
      {"[experiment]\nrequests = 0\n[grid]\n",
       "t.toml:2: 'experiment.requests': '0' is out of range (1 to 100000000)"},
      {"[experiment]\nsample_interval = \"10\"\n[grid]\n", "t.toml:2: duration '10' needs a unit"},
      {"[experiment]\n[grid]\nmodels=[\"noop\", 3]\n", "t.toml:3: 'grid.models' must be a list"},
      {"[experiment]\n[other]\n", "t.toml:2: unknown section 'other'"},
      {"[experiment]\n[grid]\nmodels=[\"noop\"]\nrates=[1]\narrival=[\"paper\"]\npolicies=["
       "\"greedy\"]\npower_limits=[\"200\"]\n",
       "t.toml:7: 'grid.power_limits': '200' needs the unit W (e.g. 200W), or is 'default'"},
      {"[experiment]\n[grid]\nmodels=[\"noop\"]\nrates=[1]\narrival=[\"paper\"]\npolicies=["
       "\"greedy\"]\npower_limits=[\"200W\", \"200 W\"]\n",
       "t.toml:7: 'grid.power_limits' names 200W twice ('200 W')"},
      {"[experiment]\n[grid]\nmodels=[\"noop\"]\nrates=[1]\narrival=[\"paper\"]\npolicies=["
       "\"greedy\"]\ngpu_clocks=[\"99GHz\"]\n",
       "t.toml:7: 'grid.gpu_clocks': '99' is out of range (0.001 to 10 GHz)"},
      {"[experiment]\n[grid]\nmodels=[\"noop\"]\nrates=[1]\narrival=[\"paper\"]\npolicies=["
       "\"greedy\"]\ngpu_clocks=[1410]\n",
       "t.toml:7: 'grid.gpu_clocks' must be strings"},
  };
  for (const BadCase& c : cases) {
    try {
      parse_experiment(c.text, "t.toml");
      ADD_FAILURE() << "accepted: " << c.text;
    } catch (const UsageError& e) {
      EXPECT_NE(std::string(e.what()).find(c.expect), std::string::npos)
          << "got: " << e.what() << "\nwanted: " << c.expect;
    }
  }
}

TEST(Statistics, StudentTConfidenceInterval) {
  const MeanCi r = mean_ci95({1, 2, 3});
  EXPECT_DOUBLE_EQ(r.mean, 2);
  EXPECT_NEAR(*r.ci95, 4.303 * 1.0 / std::sqrt(3.0), 1e-9);
  EXPECT_FALSE(mean_ci95({5}).ci95.has_value());
}

TEST(Statistics, MedianOfOddAndEvenCounts) {
  EXPECT_DOUBLE_EQ(median({3, 1, 2}), 2);
  EXPECT_DOUBLE_EQ(median({4, 1, 3, 2}), 2.5);
  EXPECT_DOUBLE_EQ(median({7}), 7);
  EXPECT_TRUE(std::isnan(median({})));
}

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = testing::scratch_dir("store"); }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path dir_;
};

TEST_F(StoreTest, SavesResumesAndRejectsAnotherExperiment) {
  const ExperimentFile f = parse_experiment(kGood, "t.toml");
  const auto all = expand(f);
  const std::string path = (dir_ / "results.sqlite").string();
  {
    ResultStore store(path, f, false);
    EXPECT_TRUE(store.completed().empty());
    store.save(all[0], fake_summary(all[0], 4), fake_trace(), {{Nanos(0), 3.f, 0}}, {"cpu"});
    store.save(all[1], fake_summary(all[1], 8), fake_trace(), {}, {"cpu"});
    store.save(all[1], fake_summary(all[1], 8), fake_trace(), {}, {"cpu"});  // rerun replaces
  }
  // Reopened to resume (and released: one writer at a time), then read.
  { EXPECT_EQ(ResultStore(path, f, false).completed().size(), 2u); }
  ResultStore reopened(path);
  EXPECT_EQ(reopened.completed(), (std::set<std::string>{all[0].id, all[1].id}));
  const auto runs = reopened.runs();
  ASSERT_EQ(runs.size(), 2u);
  EXPECT_EQ(runs[0].summary["Energy(J)"], 4.0);

  // The two stored runs are repetitions of one configuration: one aggregated row with a CI.
  const auto rows = aggregate_configurations(runs);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0]["repetitions"], 2);
  EXPECT_DOUBLE_EQ(rows[0]["energy_per_image_j"].get<double>(), 1.5);  // (4/4 + 8/4) / 2
  EXPECT_FALSE(rows[0]["energy_per_image_j_ci95"].is_null());
  EXPECT_EQ(rows[0].begin().key(), "Batch Size");

  std::string changed = kGood;
  changed.replace(changed.find("requests = 64"), 13, "requests = 65");
  const ExperimentFile other = parse_experiment(changed, "t.toml");
  EXPECT_THROW(ResultStore(path, other, false), UsageError);
  ResultStore fresh(path, other, true);
  EXPECT_TRUE(fresh.completed().empty());
}

// `column` of the rows of `table` stored for configuration `id`, in insertion order, read
// straight from the file: the store has no accessor for requests or power samples.
std::vector<double> stored_column(const std::string& path, const std::string& table,
                                  const std::string& column, const std::string& id) {
  std::vector<double> out;
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    ADD_FAILURE() << "cannot open " << path << ": " << sqlite3_errmsg(db);
    sqlite3_close(db);
    return out;
  }
  const std::string sql =
      "SELECT " + column + " FROM " + table + " WHERE config_id = ? ORDER BY rowid";
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
    ADD_FAILURE() << sqlite3_errmsg(db) << " in: " << sql;
  } else {
    sqlite3_bind_text(stmt, 1, id.c_str(), -1, SQLITE_TRANSIENT);
    while (sqlite3_step(stmt) == SQLITE_ROW) out.push_back(sqlite3_column_double(stmt, 0));
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return out;
}

TEST_F(StoreTest, RerunReplacesItsRequestsAndPowerSamples) {
  const ExperimentFile f = parse_experiment(kGood, "t.toml");
  const auto all = expand(f);
  const std::string path = (dir_ / "results.sqlite").string();
  // The rerun differs from the first attempt in every table, so each row shows which attempt
  // wrote it.
  RunTrace rerun;
  rerun.scheduled = {Nanos(0), Nanos(1), Nanos(2)};
  rerun.released = rerun.scheduled;
  rerun.batches = {{0, 1, Nanos(2), Nanos(3)}, {1, 2, Nanos(3), Nanos(4)}};
  {
    ResultStore store(path, f, false);
    store.save(all[0], fake_summary(all[0], 4), fake_trace(),
               {{Nanos(0), 3.f, 0}, {Nanos(1), 5.f, 0}}, {"cpu"});
    store.save(all[1], fake_summary(all[1], 8), fake_trace(), {{Nanos(0), 7.f, 0}}, {"cpu"});
    store.save(all[0], fake_summary(all[0], 6), rerun, {{Nanos(0), 9.f, 0}}, {"cpu"});
  }
  EXPECT_EQ(stored_column(path, "requests", "id", all[0].id), (std::vector<double>{0, 1, 2}));
  EXPECT_EQ(stored_column(path, "requests", "batch", all[0].id), (std::vector<double>{0, 1, 1}));
  EXPECT_EQ(stored_column(path, "power", "watts", all[0].id), (std::vector<double>{9}));
  // The other configuration keeps its own rows.
  EXPECT_EQ(stored_column(path, "requests", "id", all[1].id), (std::vector<double>{0, 1}));
  EXPECT_EQ(stored_column(path, "power", "watts", all[1].id), (std::vector<double>{7}));
  const auto runs = ResultStore(path).runs();
  ASSERT_EQ(runs.size(), 2u);
  EXPECT_EQ(runs[0].summary["Energy(J)"], 6.0);
}

TEST_F(StoreTest, MergeJoinsShardsAndRefusesForeignStores) {
  const ExperimentFile f = parse_experiment(kGood, "t.toml");
  const auto all = expand(f);
  std::vector<std::string> parts;
  for (std::size_t i = 0; i < 3; ++i) {
    parts.push_back((dir_ / ("s" + std::to_string(i) + ".sqlite")).string());
    ResultStore store(parts.back(), f, false);
    for (const Configuration& c : shard(all, i, 3)) {
      store.save(c, fake_summary(c, 1), fake_trace(), {}, {"cpu"});
    }
  }
  const std::string merged = (dir_ / "merged.sqlite").string();
  ResultStore::merge(merged, parts);
  ResultStore::merge(merged, parts);  // idempotent: nothing doubles
  ResultStore m(merged);
  EXPECT_EQ(m.completed().size(), all.size());
  EXPECT_EQ(m.runs().size(), all.size());

  std::string changed = kGood;
  changed.replace(changed.find("seed = 5"), 8, "seed = 6");
  const ExperimentFile other = parse_experiment(changed, "t.toml");
  const std::string foreign = (dir_ / "foreign.sqlite").string();
  { ResultStore store(foreign, other, false); }
  EXPECT_THROW(ResultStore::merge((dir_ / "x.sqlite").string(), {parts[0], foreign}), UsageError);
}

// A grid that grew between shards (the sweep accepts that: it extends) merges into the larger
// experiment, in either order; a grid that changed otherwise is refused with the difference.
TEST_F(StoreTest, MergeTakesAShardWhoseGridGrew) {
  const ExperimentFile f = parse_experiment(kGood, "t.toml");
  std::string grown_text = kGood;
  grown_text.replace(grown_text.find("rates = [16, 32]"), 16, "rates = [16, 32, 64]");
  const ExperimentFile grown = parse_experiment(grown_text, "t.toml");
  const auto small_all = expand(f), grown_all = expand(grown);
  ASSERT_GT(grown_all.size(), small_all.size());
  const std::string a = (dir_ / "a.sqlite").string(), b = (dir_ / "b.sqlite").string();
  {
    ResultStore store(a, f, false);
    for (const Configuration& c : shard(small_all, 0, 2)) {
      store.save(c, fake_summary(c, 1), fake_trace(), {}, {"cpu"});
    }
  }
  {
    ResultStore store(b, grown, false);
    for (const Configuration& c : shard(grown_all, 1, 2)) {
      store.save(c, fake_summary(c, 1), fake_trace(), {}, {"cpu"});
    }
  }
  for (const auto& order : {std::vector<std::string>{a, b}, std::vector<std::string>{b, a}}) {
    const std::string merged = (dir_ / ("m" + std::to_string(order[0] == a) + ".sqlite")).string();
    ResultStore::merge(merged, order);
    const ResultStore m(merged);
    EXPECT_EQ(m.meta("experiment_text"), grown_text);
    EXPECT_EQ(m.runs().size(), shard(small_all, 0, 2).size() + shard(grown_all, 1, 2).size());
  }
  std::string other_text = grown_text;
  other_text.replace(other_text.find("rates = [16, 32, 64]"), 20, "rates = [16, 64]");
  const std::string c = (dir_ / "c.sqlite").string();
  { ResultStore store(c, parse_experiment(other_text, "t.toml"), false); }
  try {
    ResultStore::merge((dir_ / "x.sqlite").string(), {a, c});
    ADD_FAILURE() << "a grid that lost a rate merged";
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("grid.rates"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(std::filesystem::exists(dir_ / "x.sqlite"));
}

}  // namespace
}  // namespace gb

namespace gb {
namespace {

TEST(GroupByModel, ConsecutiveRunsOfOneModelWithTheirLargestBatch) {
  std::vector<Configuration> configs(4);
  const char* models[] = {"a", "a", "b", "a"};
  const char* policies[] = {"fixed:4", "greedy:32", "fixed:8", "slo:1s,max=16"};
  for (std::size_t i = 0; i < 4; ++i) {
    configs[i].spec.model = ModelRef{ModelRef::Kind::kBuiltin, models[i]};
    configs[i].spec.policy = PolicySpec::parse(policies[i]);
  }
  const auto groups = group_by_session(configs);
  ASSERT_EQ(groups.size(), 3u);
  EXPECT_EQ(groups[0].begin, 0u);
  EXPECT_EQ(groups[0].end, 2u);
  EXPECT_EQ(groups[0].max_batch, 32u);
  EXPECT_EQ(groups[1].begin, 2u);
  EXPECT_EQ(groups[1].max_batch, 8u);
  EXPECT_EQ(groups[2].end, 4u);
  EXPECT_EQ(groups[2].max_batch, 16u);
  EXPECT_TRUE(group_by_session({}).empty());
}

}  // namespace
}  // namespace gb

namespace gb {
namespace {

// Later keys cannot skip the docs: every key the parser accepts appears in docs/experiments.md.
TEST(ExperimentFileDocs, EveryAcceptedKeyIsDocumented) {
  std::ifstream in(std::string(GB_TEST_SOURCE_DIR) + "/docs/experiments.md");
  ASSERT_TRUE(in) << "docs/experiments.md";
  const std::string docs((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const ExperimentKeys& keys = experiment_keys();
  for (const auto* section : {&keys.experiment, &keys.grid}) {
    for (const std::string& key : *section) {
      EXPECT_NE(docs.find("`" + key + "`"), std::string::npos) << key;
    }
  }
}

TEST(ExperimentFile, ArrivalsIsTheGridsArrivalListUnderItsPluralName) {
  std::string plural = testing::kSmallSweep;
  plural.replace(plural.find("arrival ="), 9, "arrivals =");
  EXPECT_EQ(expand(parse_experiment(plural, "t.toml")).size(),
            expand(parse_experiment(testing::kSmallSweep, "t.toml")).size());
  std::string both = testing::kSmallSweep;
  both.replace(both.find("arrival ="), 9, "arrivals = [\"constant\"]\narrival =");
  EXPECT_THROW(parse_experiment(both, "t.toml"), UsageError);
}

}  // namespace
}  // namespace gb
