// What a store refuses and protects: one writer per store (a second sweep exits naming the
// first), one experiment per folder (shards included), readers that never change a file and
// refuse what is not a store, experiment files compared as parsed (a comment is no change, a grown
// grid extends the store), SQLite errors that name the file, and a sweep whose disk fills: it
// stops naming the store, keeps only whole configurations, and resumes to each exactly once.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "command_runner.h"
#include "common/errors.h"
#include "results/experiment_file.h"
#include "results/result_store.h"
#include "store_fakes.h"
#include "test_paths.h"

namespace gb {
namespace {

namespace fs = std::filesystem;

using testing::fake_summary;
using testing::fake_trace;
using testing::greenbatch;

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  text.replace(text.find(from), from.size(), to);
  return text;
}

// The message of the UsageError `f` throws; "" (and a failure) when it throws none.
template <typename F>
std::string usage_error(F f) {
  try {
    f();
  } catch (const UsageError& e) {
    return e.what();
  }
  ADD_FAILURE() << "no UsageError";
  return "";
}

class StoreSafety : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::scratch_dir("store-safety");
    file_ = parse_experiment(testing::kSmallSweep, "t.toml");
    all_ = expand(file_);
  }
  void TearDown() override {
    fs::permissions(dir_, fs::perms::owner_all, fs::perm_options::add);
    fs::remove_all(dir_);
  }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }
  // A store of `f` at `name` holding its first `n` configurations.
  void write_store(const std::string& name, const ExperimentFile& f, std::size_t n) const {
    ResultStore store(path(name), f, false);
    const auto configs = expand(f);
    for (std::size_t i = 0; i < n; ++i) {
      store.save(configs[i], fake_summary(configs[i], 4), fake_trace(), {}, {"cpu"});
    }
  }

  fs::path dir_;
  ExperimentFile file_;
  std::vector<Configuration> all_;
};

TEST_F(StoreSafety, ASecondWriterOfOneStoreIsRefusedNamingTheHolderAndShardsStayParallel) {
  ResultStore first(path("results.sqlite"), file_, false);
  const std::string why =
      usage_error([&] { ResultStore second(path("results.sqlite"), file_, false); });
  EXPECT_NE(why.find("pid " + std::to_string(getpid())), std::string::npos) << why;
  EXPECT_NE(why.find("--wait"), std::string::npos) << why;
  // Other stores of the same folder (a sweep's shards) are written at the same time.
  ResultStore shard0(path("results-shard-0-of-2.sqlite"), file_, false);
  ResultStore shard1(path("results-shard-1-of-2.sqlite"), file_, false);
  shard0.save(all_[0], fake_summary(all_[0], 4), fake_trace(), {}, {"cpu"});
  shard1.save(all_[1], fake_summary(all_[1], 4), fake_trace(), {}, {"cpu"});
  // Readers take no lock.
  EXPECT_TRUE(ResultStore(path("results.sqlite")).completed().empty());
}

TEST_F(StoreSafety, TheLockIsReleasedWithTheStore) {
  { ResultStore first(path("results.sqlite"), file_, false); }
  ResultStore again(path("results.sqlite"), file_, false);
  EXPECT_TRUE(again.completed().empty());
}

TEST_F(StoreSafety, ACommentIsNoChangeButASettingIsNamed) {
  write_store("results.sqlite", file_, 2);
  const ExperimentFile commented =
      parse_experiment(std::string("# a comment\n") + testing::kSmallSweep + "\n# more\n", "t");
  ASSERT_NE(commented.hash, file_.hash);
  {
    ResultStore store(path("results.sqlite"), commented, false);
    EXPECT_EQ(store.completed().size(), 2u);
    EXPECT_EQ(store.grown_by(), 0u);
  }
  const ExperimentFile changed =
      parse_experiment(replaced(testing::kSmallSweep, "requests = 64", "requests = 65"), "t");
  const std::string why =
      usage_error([&] { ResultStore store(path("results.sqlite"), changed, false); });
  EXPECT_NE(why.find("different experiment file"), std::string::npos) << why;
  EXPECT_NE(why.find("experiment.requests is '64' there and '65' here"), std::string::npos) << why;
  // The settings added later are compared too, though they are in no configuration's id.
  const ExperimentFile cooled = parse_experiment(
      replaced(testing::kSmallSweep, "requests = 64", "requests = 64\ncooldown = \"5s\""), "t");
  const std::string cooled_why =
      usage_error([&] { ResultStore store(path("results.sqlite"), cooled, false); });
  EXPECT_NE(cooled_why.find("experiment.cooldown is '0ns' there and '5000000000ns' here"),
            std::string::npos)
      << cooled_why;
}

TEST_F(StoreSafety, AGrownGridExtendsTheStoreAndASmallerOneIsRefused) {
  write_store("results.sqlite", file_, 3);
  const ExperimentFile grown = parse_experiment(
      replaced(testing::kSmallSweep, "rates = [16, 32]", "rates = [16, 32, 64]"), "t");
  {
    ResultStore store(path("results.sqlite"), grown, false);
    EXPECT_EQ(store.grown_by(), 8u);  // 2 models x 1 rate x 2 policies x 2 repetitions
    EXPECT_EQ(store.completed().size(), 3u);
    EXPECT_EQ(store.meta("experiment_hash"), std::to_string(grown.hash));
  }
  { EXPECT_EQ(ResultStore(path("results.sqlite"), grown, false).grown_by(), 0u); }
  const std::string why =
      usage_error([&] { ResultStore store(path("results.sqlite"), file_, false); });
  EXPECT_NE(why.find("grid.rates had 64"), std::string::npos) << why;
}

TEST_F(StoreSafety, EveryStoreOfAFolderBelongsToOneExperiment) {
  write_store("results.sqlite", file_, 1);
  const ExperimentFile other =
      parse_experiment(replaced(testing::kSmallSweep, "seed = 5", "seed = 7"), "t");
  const std::string shard = path("results-shard-0-of-2.sqlite");
  const std::string why = usage_error([&] { check_folder_experiment(shard, other); });
  EXPECT_NE(why.find("results.sqlite"), std::string::npos) << why;
  EXPECT_NE(why.find("experiment.seed"), std::string::npos) << why;
  check_folder_experiment(shard, file_);               // the same experiment: fine
  std::ofstream(path("results-shard-1-of-2.sqlite"));  // a shard being created: skipped
  check_folder_experiment(shard, file_);
}

// What another shard's store looks like between its writer's journal-mode pragma and its first
// commit (seen on CI: a shard starting beside one being created exited naming it): a WAL
// database without tables is one being created, not a foreign file.
TEST_F(StoreSafety, AShardStoreWithoutTablesYetIsOneBeingCreated) {
  write_store("results-shard-0-of-3.sqlite", file_, 1);
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path("results-shard-1-of-3.sqlite").c_str(), &db), SQLITE_OK);
  ASSERT_EQ(
      sqlite3_exec(db, "PRAGMA journal_mode=WAL; BEGIN IMMEDIATE;", nullptr, nullptr, nullptr),
      SQLITE_OK);
  ASSERT_GT(fs::file_size(path("results-shard-1-of-3.sqlite")), 0u);
  check_folder_experiment(path("results-shard-2-of-3.sqlite"), file_);
  sqlite3_close(db);
  check_folder_experiment(path("results-shard-2-of-3.sqlite"), file_);
}

TEST_F(StoreSafety, ReadersRefuseWhatIsNotAStoreInOneLine) {
  std::ofstream(path("empty.sqlite"));
  std::ofstream(path("text.sqlite")) << "model,rate\nnoop,16\n";
  {
    sqlite3* db = nullptr;
    sqlite3_open(path("foreign.sqlite").c_str(), &db);
    sqlite3_exec(db, "CREATE TABLE runs(x); CREATE TABLE meta(key, value);", nullptr, nullptr,
                 nullptr);
    sqlite3_exec(db, "CREATE TABLE other(x);", nullptr, nullptr, nullptr);
    sqlite3_close(db);
    sqlite3_open(path("bare.sqlite").c_str(), &db);
    sqlite3_exec(db, "CREATE TABLE t(x);", nullptr, nullptr, nullptr);
    sqlite3_close(db);
  }
  const std::pair<const char*, const char*> cases[] = {
      {"empty.sqlite", "is empty (0 bytes)"},
      {"text.sqlite", "not a SQLite database"},
      {"foreign.sqlite", "its runs table does not have the columns"},
      {"bare.sqlite", "without its meta and runs tables"}};
  for (const auto& [name, expected] : cases) {
    const std::string before = slurp(dir_ / name);
    const std::string why = usage_error([&] { ResultStore store(path(name)); });
    EXPECT_NE(why.find(expected), std::string::npos) << name << ": " << why;
    EXPECT_NE(why.find(name), std::string::npos) << why;
    EXPECT_TRUE(slurp(dir_ / name) == before) << name << " was changed";
    // A sweep does not take them over either.
    if (std::string(name) != "empty.sqlite") {
      EXPECT_THROW(ResultStore(path(name), file_, false), UsageError) << name;
      EXPECT_TRUE(slurp(dir_ / name) == before) << name << " was changed";
    }
  }
  // Through the binary: exit 2, one line.
  fs::create_directories(dir_ / "text");
  fs::copy_file(dir_ / "text.sqlite", dir_ / "text" / "results.sqlite");
  const auto r = greenbatch("export " + (dir_ / "text").string() + " --csv " + path("x.csv"));
  EXPECT_EQ(r.code, 2) << r.output;
  EXPECT_NE(r.output.find("not a SQLite database"), std::string::npos) << r.output;
  EXPECT_EQ(std::count(r.output.begin(), r.output.end(), '\n'), 1) << r.output;
}

TEST_F(StoreSafety, ExportAndReportOfAReadOnlyStoreChangeNothing) {
  fs::create_directories(dir_ / "ro");
  {
    ResultStore store((dir_ / "ro" / "results.sqlite").string(), file_, false);
    for (std::size_t i = 0; i < 4; ++i) {
      store.save(all_[i], fake_summary(all_[i], 4), fake_trace(), {}, {"cpu"});
    }
  }
  const fs::path db = dir_ / "ro" / "results.sqlite";
  const std::string bytes = slurp(db);
  const auto mtime = fs::last_write_time(db);
  fs::permissions(db, fs::perms::owner_read | fs::perms::group_read | fs::perms::others_read);
  fs::permissions(dir_ / "ro", fs::perms::owner_read | fs::perms::owner_exec |
                                   fs::perms::group_read | fs::perms::others_read);
  const auto r = greenbatch("export " + (dir_ / "ro").string() + " --csv " + path("ro.csv"));
  EXPECT_EQ(r.code, 0) << r.output;
  EXPECT_EQ(ResultStore(db.string()).runs().size(), 4u);
  fs::permissions(dir_ / "ro", fs::perms::owner_all);
  EXPECT_TRUE(slurp(db) == bytes) << "the store was changed";
  EXPECT_EQ(fs::last_write_time(db), mtime);
}

// Noop, 2 configurations of 100 requests at 50/s: about 2 s each.
const char* kSlowSweep = R"(
[experiment]
name = "slow"
requests = 100
warmup_batches = 0
idle_seconds = 0
meter = "estimate"
[grid]
models = ["noop"]
rates = [50]
arrival = ["constant"]
policies = ["fixed:4", "greedy:8"]
)";

TEST_F(StoreSafety, TwoSweepsOfOneFolderRunEachConfigurationOnce) {
  const std::string file = path("slow.toml"), out = path("out");
  std::ofstream(file) << kSlowSweep;
  fs::create_directories(out);
  const pid_t pid = fork();
  if (pid == 0) {
    const std::string bin = testing::build_dir() + "/greenbatch";
    execl(bin.c_str(), bin.c_str(), "sweep", file.c_str(), "--out", out.c_str(),
          static_cast<char*>(nullptr));
    _exit(127);
  }
  // Once the first holds the lock (its pid is in the lock file), the second is refused.
  const fs::path lock = fs::path(out) / "results.sqlite.lock";
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while ((!fs::exists(lock) || slurp(lock).find("pid") == std::string::npos) &&
         std::chrono::steady_clock::now() < deadline) {
    usleep(10000);
  }
  const auto second = greenbatch("sweep " + file + " --out " + out);
  EXPECT_EQ(second.code, 2) << second.output;
  EXPECT_NE(second.output.find("pid " + std::to_string(pid)), std::string::npos) << second.output;
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
  EXPECT_EQ(ResultStore(out + "/results.sqlite").runs().size(), 2u);
  const auto again = greenbatch("sweep " + file + " --out " + out + " --wait");
  EXPECT_EQ(again.code, 0) << again.output;
  EXPECT_NE(again.output.find("2 already done, 0 to run"), std::string::npos) << again.output;
}

TEST_F(StoreSafety, AShardOfAnotherExperimentIsRefusedInAFolderOfThisOne) {
  const std::string a = path("a.toml"), b = path("b.toml"), out = path("out");
  const std::string fast = replaced(replaced(kSlowSweep, "requests = 100", "requests = 8"),
                                    "rates = [50]", "rates = [1000]");
  std::ofstream(a) << fast;
  std::ofstream(b) << replaced(fast, "requests = 8", "requests = 9");
  ASSERT_EQ(greenbatch("sweep " + a + " --out " + out).code, 0);
  const auto r = greenbatch("sweep " + b + " --out " + out + " --shard 0/2");
  EXPECT_EQ(r.code, 2) << r.output;
  EXPECT_NE(r.output.find("experiment.requests"), std::string::npos) << r.output;
  EXPECT_FALSE(fs::exists(fs::path(out) / "results-shard-0-of-2.sqlite"));
  // The same experiment's shards are welcome, and one with a comment added too.
  std::ofstream(a, std::ios::app) << "# a comment\n";
  const auto s = greenbatch("sweep " + a + " --out " + out + " --shard 1/2");
  EXPECT_EQ(s.code, 0) << s.output;
}

TEST_F(StoreSafety, AFullDiskIsReportedWithTheFileAndSqlitesReason) {
  const fs::path mnt = dir_ / "tmpfs";
  fs::create_directories(mnt);
  if (::mount("tmpfs", mnt.c_str(), "tmpfs", 0, "size=256k") != 0) {
    if (std::getenv("CI")) FAIL() << "cannot mount a tmpfs: " << std::strerror(errno);
    GTEST_SKIP() << "mounting a tmpfs is not permitted here";
  }
  std::string why;
  {
    const std::string store = (mnt / "results.sqlite").string();
    ResultStore s(store, file_, false);
    RunTrace big;
    for (int i = 0; i < 20000; ++i) big.scheduled.push_back(Nanos(i));
    big.released = big.scheduled;
    big.batches = {{0, 20000, Nanos(20000), Nanos(20001)}};
    try {
      for (std::size_t i = 0; i < all_.size(); ++i) {
        s.save(all_[i], fake_summary(all_[i], 4), big, {}, {"cpu"});
      }
    } catch (const std::exception& e) {
      why = e.what();
    }
  }
  ::umount(mnt.c_str());
  EXPECT_NE(why.find("results.sqlite"), std::string::npos) << why;
  EXPECT_NE(why.find("full"), std::string::npos) << why;
  EXPECT_EQ(why.find("no transaction is active"), std::string::npos) << why;
}

// A tmpfs mounted at `at` for the test's length: unmounted by the destructor, so that a failed
// assertion leaves no mount behind.
class Tmpfs {
 public:
  Tmpfs(const fs::path& at, const std::string& size) : at_(at) {
    mounted_ = ::mount("tmpfs", at_.c_str(), "tmpfs", 0, ("size=" + size).c_str()) == 0;
    error_ = mounted_ ? 0 : errno;
  }
  ~Tmpfs() {
    if (mounted_ && ::umount(at_.c_str()) != 0) ::umount2(at_.c_str(), MNT_DETACH);
  }
  Tmpfs(const Tmpfs&) = delete;
  Tmpfs& operator=(const Tmpfs&) = delete;
  bool mounted() const { return mounted_; }
  int error() const { return error_; }
  // The same mount, grown (or shrunk) to `size`, its files kept; "" or strerror.
  std::string resize(const std::string& size) const {
    const bool ok =
        ::mount("tmpfs", at_.c_str(), "tmpfs", MS_REMOUNT, ("size=" + size).c_str()) == 0;
    return ok ? "" : std::strerror(errno);
  }

 private:
  fs::path at_;
  bool mounted_ = false;
  int error_ = 0;
};

// (text, integer) rows of `sql` on the SQLite file `db`, opened read-only.
std::vector<std::pair<std::string, int64_t>> query(const std::string& db, const std::string& sql) {
  std::vector<std::pair<std::string, int64_t>> rows;
  sqlite3* h = nullptr;
  if (sqlite3_open_v2(db.c_str(), &h, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    ADD_FAILURE() << db << ": " << sqlite3_errmsg(h);
    sqlite3_close(h);
    return rows;
  }
  sqlite3_stmt* s = nullptr;
  if (sqlite3_prepare_v2(h, sql.c_str(), -1, &s, nullptr) != SQLITE_OK) {
    ADD_FAILURE() << db << ": " << sqlite3_errmsg(h) << " in: " << sql;
  } else {
    int rc = SQLITE_ROW;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
      const unsigned char* text = sqlite3_column_text(s, 0);
      rows.emplace_back(text ? reinterpret_cast<const char*>(text) : "",
                        sqlite3_column_int64(s, 1));
    }
    if (rc != SQLITE_DONE) ADD_FAILURE() << db << ": " << sqlite3_errmsg(h) << " in: " << sql;
  }
  sqlite3_finalize(s);
  sqlite3_close(h);
  return rows;
}

// Noop, 8 configurations (4 policies x 2 repetitions) of 2000 requests at 20000/s: about 0.1 s
// each, and about 130 kB each in the store (its write-ahead log, until the sweep ends).
const char* kFillingSweep = R"(
[experiment]
name = "filling"
requests = 2000
repetitions = 2
warmup_batches = 0
idle_seconds = 0
meter = "estimate"
[grid]
models = ["noop"]
rates = [20000]
arrival = ["constant"]
policies = ["fixed:1", "fixed:4", "greedy:8", "greedy:32"]
)";
// Measured: 768k holds the first 4 configurations (256k holds 1, 512k 2; the whole sweep needs
// about 1.1M), so the disk fills in the middle of the sweep with room to spare either way.
const char* const kFillingDisk = "768k";

// A disk that fills in the middle of a sweep: the sweep fails naming the store and the reason,
// every configuration it stored is whole (its run and all its requests, or nothing), and the same
// command on the grown disk runs the rest: every configuration of the grid stored exactly once.
TEST_F(StoreSafety, ASweepOnADiskThatFillsResumesToEveryConfigurationOnce) {
  const fs::path mnt = dir_ / "tmpfs";
  fs::create_directories(mnt);
  Tmpfs disk(mnt, kFillingDisk);
  if (!disk.mounted()) {
    const char* ci = std::getenv("CI");
    if (ci && *ci && ::geteuid() == 0) {
      FAIL() << "cannot mount a tmpfs as root on CI: " << std::strerror(disk.error());
    }
    GTEST_SKIP() << "mounting a tmpfs is not permitted here: " << std::strerror(disk.error());
  }
  const std::string file = path("filling.toml"), out = (mnt / "out").string();
  const std::string store = out + "/results.sqlite";
  std::ofstream(file) << kFillingSweep;
  const std::vector<Configuration> grid = expand(parse_experiment(kFillingSweep, file));
  std::set<std::string> grid_ids;
  for (const Configuration& c : grid) grid_ids.insert(c.id);
  ASSERT_EQ(grid_ids.size(), grid.size());
  const int64_t requests = 2000;
  // Per stored configuration: its runs rows, and its requests rows.
  const auto stored = [&] {
    std::map<std::string, std::pair<int64_t, int64_t>> by_id;
    for (const auto& [id, n] : query(store, "SELECT config_id, count(*) FROM runs GROUP BY 1")) {
      by_id[id].first = n;
    }
    for (const auto& [id, n] :
         query(store, "SELECT config_id, count(*) FROM requests GROUP BY 1")) {
      by_id[id].second = n;
    }
    return by_id;
  };

  const auto full = greenbatch("sweep " + file + " --out " + out);
  EXPECT_NE(full.code, 0) << full.output;
  EXPECT_NE(full.output.find(store), std::string::npos) << full.output;
  EXPECT_NE(full.output.find("full"), std::string::npos) << full.output;
  // What the full disk kept: some configurations, each whole, and no rows of the one it cut short.
  const auto kept = stored();
  EXPECT_GT(kept.size(), 0u) << "the disk filled before the first configuration: grow it";
  EXPECT_LT(kept.size(), grid.size()) << "the disk did not fill: shrink it";
  for (const auto& [id, rows] : kept) {
    EXPECT_TRUE(grid_ids.count(id)) << id;
    EXPECT_EQ(rows.first, 1) << id << " has no run row, or several";
    EXPECT_EQ(rows.second, requests) << id << " has part of its requests";
  }

  ASSERT_EQ(disk.resize("16m"), "");
  const auto resumed = greenbatch("sweep " + file + " --out " + out);
  EXPECT_EQ(resumed.code, 0) << resumed.output;
  const std::string skipped = " = " + std::to_string(grid.size()) + " runs; " +
                              std::to_string(kept.size()) + " already done, " +
                              std::to_string(grid.size() - kept.size()) + " to run";
  EXPECT_NE(resumed.output.find(skipped), std::string::npos) << resumed.output;
  std::multiset<std::string> ids;
  for (const StoredRun& r : ResultStore(store).runs()) ids.insert(r.id);
  EXPECT_EQ(ids.size(), grid.size());
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()), grid_ids);
  const auto all = stored();
  EXPECT_EQ(all.size(), grid.size());
  for (const auto& [id, rows] : all) {
    EXPECT_TRUE(grid_ids.count(id)) << id;
    EXPECT_EQ(rows.first, 1) << id;
    EXPECT_EQ(rows.second, requests) << id;
  }
}

}  // namespace
}  // namespace gb
