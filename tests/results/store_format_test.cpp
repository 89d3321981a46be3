// Store and summary formats: a new store says greenbatch-store/2; a greenbatch-store/1 store (the
// layout before configuration ids, created here with that version's SQL) is read, exported,
// reported, merged and resumed; what cannot be read is refused with the reason.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <string>
#include <vector>

#include "command_runner.h"
#include "common/errors.h"
#include "results/aggregate.h"
#include "results/experiment_file.h"
#include "results/result_store.h"
#include "store_fakes.h"
#include "test_paths.h"

namespace gb {
namespace {

namespace fs = std::filesystem;

using testing::fake_summary;

// The greenbatch-store/1 schema, verbatim from before configuration ids
// (git show HEAD~8:src/experiment/result_store.cpp).
const char* kV1Schema =
    "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
    "CREATE TABLE IF NOT EXISTS runs(config_index INTEGER PRIMARY KEY, repetition INTEGER NOT "
    "NULL, model TEXT, arrival TEXT, rate_hz REAL, policy TEXT, energy_per_image_j REAL, "
    "p99_response_s REAL, max_response_s REAL, energy_method TEXT, summary_json TEXT NOT NULL);"
    "CREATE TABLE IF NOT EXISTS requests(config_index INTEGER NOT NULL, id INTEGER NOT NULL, "
    "scheduled_s REAL, released_s REAL, batch INTEGER, start_s REAL, end_s REAL);"
    "CREATE TABLE IF NOT EXISTS power(config_index INTEGER NOT NULL, t_s REAL, domain TEXT, "
    "watts REAL);";

class Sql {
 public:
  explicit Sql(const std::string& path) { sqlite3_open(path.c_str(), &db_); }
  ~Sql() { sqlite3_close(db_); }
  void exec(const std::string& sql) {
    char* err = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
      ADD_FAILURE() << (err ? err : "?") << " in: " << sql;
    }
    sqlite3_free(err);
  }
  // The first column of every row of `sql`, as text.
  std::vector<std::string> column(const std::string& sql) {
    std::vector<std::string> out;
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
      ADD_FAILURE() << sqlite3_errmsg(db_) << " in: " << sql;
      return out;
    }
    while (sqlite3_step(stmt) == SQLITE_ROW) {
      const auto* p = sqlite3_column_text(stmt, 0);
      out.push_back(p ? reinterpret_cast<const char*>(p) : "NULL");
    }
    sqlite3_finalize(stmt);
    return out;
  }
  static std::string quote(const std::string& v) {
    std::string q = "'";
    for (char c : v) q += c == '\'' ? std::string("''") : std::string(1, c);
    return q + "'";
  }

 private:
  sqlite3* db_ = nullptr;
};

// A store as greenbatch wrote it before configuration ids: `configs` saved the version 1 way,
// two requests and one power sample each.
void write_v1_store(const std::string& path, const ExperimentFile& f,
                    const std::vector<Configuration>& configs) {
  Sql db(path);
  db.exec(kV1Schema);
  db.exec("INSERT INTO meta VALUES('experiment_hash', '" + std::to_string(f.hash) + "');" +
          "INSERT INTO meta VALUES('experiment_name', " + Sql::quote(f.name) + ");" +
          "INSERT INTO meta VALUES('experiment_text', " + Sql::quote(f.text) + ");" +
          "INSERT INTO meta VALUES('greenbatch_version', '0.1.0');" +
          "INSERT INTO meta VALUES('machines', '[{\"hostname\":\"old\"}]');");
  for (const Configuration& c : configs) {
    const RunSummary s = fake_summary(c, 4 + 4.0 * c.repetition);
    nlohmann::ordered_json doc = summary_document(s);
    doc.erase("format");  // version 1 documents had none
    const std::string i = std::to_string(c.index);
    db.exec("INSERT INTO runs VALUES(" + i + ", " + std::to_string(c.repetition) + ", " +
            Sql::quote(c.spec.model.name) + ", " + Sql::quote(c.spec.arrival.name()) + ", " +
            std::to_string(c.spec.rate_hz) + ", " + Sql::quote(c.spec.policy.canonical()) + ", " +
            std::to_string(s.energy_per_image_j()) + ", 0.4, 0.5, 'estimate', " +
            Sql::quote(doc.dump()) + ");" + "INSERT INTO requests VALUES(" + i +
            ", 0, 0, 0, 0, 1, 2);" + "INSERT INTO requests VALUES(" + i + ", 1, 0, 0, 0, 1, 2);" +
            "INSERT INTO power VALUES(" + i + ", 0.5, 'cpu', " + i + ");");
  }
}

class StoreFormat : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::scratch_dir("store-format");
    file_ = parse_experiment(testing::kSmallSweep, "formats.toml");
    all_ = expand(file_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }
  std::set<std::string> ids(std::size_t from, std::size_t to) const {
    std::set<std::string> out;
    for (std::size_t i = from; i < to; ++i) out.insert(all_[i].id);
    return out;
  }

  fs::path dir_;
  ExperimentFile file_;
  std::vector<Configuration> all_;
};

TEST_F(StoreFormat, ANewStoreAndItsSummariesSayTheirFormat) {
  {
    ResultStore store(path("results.sqlite"), file_, false);
    store.save(all_[0], fake_summary(all_[0], 4), RunTrace{}, {}, {"cpu"});
    EXPECT_EQ(store.meta("format"), "greenbatch-store/2");
  }
  const auto runs = ResultStore(path("results.sqlite")).runs();
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].summary.begin().key(), "format");
  EXPECT_EQ(runs[0].summary["format"], "greenbatch-results/3");
  EXPECT_EQ(runs[0].id, all_[0].id);
  EXPECT_EQ(runs[0].group_id, all_[0].group_id);
}

TEST_F(StoreFormat, AVersion1StoreIsReadWithTheIdsOfItsExperimentFileAndNotRewritten) {
  // Indices 0..3: both repetitions of the first two configurations.
  write_v1_store(path("results.sqlite"), file_, {all_.begin(), all_.begin() + 4});
  ResultStore store(path("results.sqlite"));
  EXPECT_EQ(store.completed(), ids(0, 4));
  const auto runs = store.runs();
  ASSERT_EQ(runs.size(), 4u);
  for (std::size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(runs[i].index, i);
    EXPECT_EQ(runs[i].id, all_[i].id);
    EXPECT_EQ(runs[i].group_id, all_[i].group_id);
  }
  const auto rows = aggregate_configurations(runs);
  ASSERT_EQ(rows.size(), 2u);  // the repetitions pool
  EXPECT_EQ(rows[0]["repetitions"], 2);
  EXPECT_DOUBLE_EQ(rows[0]["energy_per_image_j"].get<double>(), 1.5);  // (4/4 + 8/4) / 2
  EXPECT_EQ(rows[0]["group_id"], all_[0].group_id);
  EXPECT_EQ(store.machines().size(), 1u);
  Sql raw(path("results.sqlite"));
  EXPECT_TRUE(raw.column("SELECT value FROM meta WHERE key = 'format'").empty());
  EXPECT_EQ(raw.column("SELECT count(*) FROM runs WHERE config_index = 3"),
            std::vector<std::string>{"1"});
}

TEST_F(StoreFormat, ExportAndReportReadAVersion1Store) {
  write_v1_store(path("results.sqlite"), file_, all_);
  const auto e = testing::greenbatch("export " + dir_.string() + " --csv " + path("v1.csv"));
  ASSERT_EQ(e.code, 0) << e.output;
  std::ifstream csv(path("v1.csv"));
  std::string header;
  std::getline(csv, header);
  EXPECT_EQ(header.rfind("Batch Size,", 0), 0u) << header;
  std::set<std::string> groups;
  for (std::string line; std::getline(csv, line);) groups.insert(line.substr(line.rfind(',') + 1));
  std::set<std::string> expected;
  for (const Configuration& c : all_) expected.insert(c.group_id);
  EXPECT_EQ(groups, expected);  // one row per configuration, named by its group id

  const auto r = testing::greenbatch("report " + dir_.string() + " --slo 2s --out " + path("rep"));
  ASSERT_EQ(r.code, 0) << r.output;
  EXPECT_TRUE(fs::exists(dir_ / "rep" / "report.html"));
}

TEST_F(StoreFormat, AVersion1StoreThatDoesNotMatchItsFileIsRefusedWithTheReason) {
  std::vector<Configuration> wrong = {all_[0]};
  wrong[0].spec.policy = PolicySpec::parse("fixed:3");  // not what index 0 of the file is
  write_v1_store(path("results.sqlite"), file_, wrong);
  try {
    ResultStore store(path("results.sqlite"));
    ADD_FAILURE() << "accepted";
  } catch (const UsageError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("is a greenbatch-store/1 store"), std::string::npos) << what;
    EXPECT_NE(what.find("its run 0 (noop paper 16/s fixed:3, repetition 0)"), std::string::npos)
        << what;
    EXPECT_NE(what.find("Rerun the sweep"), std::string::npos) << what;
  }
}

TEST_F(StoreFormat, ANewerStoreFormatIsRefusedByName) {
  { ResultStore store(path("results.sqlite"), file_, false); }
  Sql(path("results.sqlite"))
      .exec(
          "UPDATE meta SET value = 'greenbatch-store/9' WHERE key = "
          "'format'");
  try {
    ResultStore store(path("results.sqlite"));
    ADD_FAILURE() << "accepted";
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("is a greenbatch-store/9 store"), std::string::npos)
        << e.what();
  }
  EXPECT_THROW(ResultStore(path("results.sqlite"), file_, false), UsageError);
  ResultStore fresh(path("results.sqlite"), file_, true);  // --fresh replaces it all the same
  EXPECT_EQ(fresh.meta("format"), "greenbatch-store/2");
}

TEST_F(StoreFormat, ResumingAVersion1StoreUpgradesItInPlace) {
  write_v1_store(path("results.sqlite"), file_, {all_.begin(), all_.begin() + 3});
  {
    ResultStore store(path("results.sqlite"), file_, false);
    EXPECT_EQ(store.meta("format"), "greenbatch-store/2");
    EXPECT_EQ(store.completed(), ids(0, 3));
    store.save(all_[3], fake_summary(all_[3], 8), RunTrace{}, {}, {"cpu"});
    EXPECT_EQ(store.completed(), ids(0, 4));
  }
  Sql raw(path("results.sqlite"));
  // Requests and power samples moved to their configuration's id, in order.
  EXPECT_EQ(
      raw.column("SELECT id FROM requests WHERE config_id = '" + all_[2].id + "' ORDER BY rowid"),
      (std::vector<std::string>{"0", "1"}));
  EXPECT_EQ(raw.column("SELECT watts FROM power WHERE config_id = '" + all_[2].id + "'"),
            std::vector<std::string>{"2.0"});
  EXPECT_EQ(raw.column("SELECT name FROM sqlite_master WHERE name LIKE 'v1_%'").size(), 0u);
  EXPECT_EQ(ResultStore(path("results.sqlite")).runs().size(), 4u);
}

TEST_F(StoreFormat, MergeJoinsAVersion1AndAVersion2ShardOnce) {
  const std::vector<Configuration> zero = shard(all_, 0, 2), one = shard(all_, 1, 2);
  ASSERT_FALSE(zero.empty());
  write_v1_store(path("results-shard-0-of-2.sqlite"), file_, zero);
  {
    ResultStore store(path("results-shard-1-of-2.sqlite"), file_, false);
    for (const Configuration& c : one) store.save(c, fake_summary(c, 1), RunTrace{}, {}, {"cpu"});
    store.save(zero[0], fake_summary(zero[0], 1), RunTrace{}, {}, {"cpu"});  // in both shards
  }
  const std::string merged = path("merged.sqlite");
  ResultStore::merge(merged, find_stores(dir_.string()));
  ResultStore m(merged);
  EXPECT_EQ(m.completed(), ids(0, all_.size()));
  EXPECT_EQ(m.runs().size(), all_.size());
  EXPECT_EQ(m.meta("format"), "greenbatch-store/2");
  EXPECT_EQ(Sql(merged).column("SELECT count(*) FROM requests"),
            std::vector<std::string>{std::to_string(2 * zero.size())});
  EXPECT_EQ(m.machines().size(), 1u);  // the v1 shard's; the v2 shard recorded none
}

TEST_F(StoreFormat, FreshOnAVersion1StoreStartsAVersion2One) {
  write_v1_store(path("results.sqlite"), file_, {all_[0]});
  ResultStore store(path("results.sqlite"), file_, true);
  EXPECT_TRUE(store.completed().empty());
  store.save(all_[0], fake_summary(all_[0], 1), RunTrace{}, {}, {"cpu"});
  EXPECT_EQ(store.completed(), ids(0, 1));
}

TEST(ResultsFormat, DocumentsWithoutAFormatOrWithTheCurrentOneAreRead) {
  EXPECT_NO_THROW(check_results_format({{"model", "noop"}}, "a"));
  EXPECT_NO_THROW(check_results_format({{"format", "greenbatch-results/2"}}, "a"));
  EXPECT_NO_THROW(check_results_format({{"format", "greenbatch-results/3"}}, "a"));
  try {
    check_results_format({{"format", "greenbatch-results/4"}}, "x/summary.json");
    ADD_FAILURE() << "accepted";
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("'x/summary.json' holds results of format "
                                         "\"greenbatch-results/4\""),
              std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace gb

namespace gb {
namespace {

// A run folder and a store written by the greenbatch before greenbatch-results/3 renamed ten
// columns (tests/results/data/results-format-2, made by that version's `run` and `sweep`): every
// reader sees the new names, in the old columns' places, with the values the files hold.
TEST_F(StoreFormat, RenamedColumnsReadFromAStoreAndARunFolderWrittenBeforeTheRename) {
  const fs::path data = fs::path(testing::source_dir()) / "tests/results/data/results-format-2";
  fs::copy_file(data / "sweep.sqlite", dir_ / "results.sqlite");
  const auto runs = ResultStore(path("results.sqlite")).runs();
  ASSERT_EQ(runs.size(), 2u);
  for (const StoredRun& r : runs) {
    EXPECT_EQ(r.summary["format"], kResultsFormat);
    for (const auto& [old_name, new_name] : kRenamedColumns) {
      EXPECT_FALSE(r.summary.contains(old_name)) << old_name;
      EXPECT_TRUE(r.summary.contains(new_name)) << new_name;
    }
    EXPECT_GT(r.summary[columns::kMaxResponse].get<double>(), 0);
  }
  // Export: the new header, each renamed column where the old one stood (after requests and
  // energy figures, before throughput).
  const auto e = testing::greenbatch("export " + dir_.string() + " --csv " + path("old.csv"));
  ASSERT_EQ(e.code, 0) << e.output;
  std::ifstream csv(path("old.csv"));
  std::string header;
  std::getline(csv, header);
  EXPECT_NE(header.find(",response_p50_s,response_p90_s,response_p95_s,response_p99_s,"
                        "response_max_s,queue_wait_mean_s,queue_wait_max_s,service_mean_s,"
                        "service_max_s,throughput_rps,"),
            std::string::npos)
      << header;
  EXPECT_EQ(header.find("p99_response_s"), std::string::npos) << header;

  // The run folder: its summary.json documents are format 2; the report reads them.
  const fs::path run = dir_ / "run";
  fs::create_directories(run);
  for (const char* f : {"summary.json", "summary.csv", "machine.json"}) {
    fs::copy_file(data / "run" / f, run / f);
  }
  const auto r = testing::greenbatch("report " + run.string() + " --out " + path("rep"));
  ASSERT_EQ(r.code, 0) << r.output;
  std::ifstream html(dir_ / "rep" / "report.html");
  const std::string page((std::istreambuf_iterator<char>(html)), std::istreambuf_iterator<char>());
  EXPECT_NE(page.find("fixed:4"), std::string::npos);
  // Appending to that folder is refused: its summary.csv has the old header.
  const auto append =
      testing::greenbatch("run --model noop --requests 8 --idle-seconds 0 --out " + run.string());
  EXPECT_EQ(append.code, 2) << append.output;
  EXPECT_NE(append.output.find("different greenbatch version"), std::string::npos) << append.output;
}

}  // namespace
}  // namespace gb
