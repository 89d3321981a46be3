// Sweeps with a `target`: "serve" starts a greenbatch serve per configuration with its policy;
// an http:// URL drives a running server, and a sweep SIGKILLed mid-run leaves its store
// consistent (what was saved reads back, nothing partial) and resumes on rerun.
#include <signal.h>

#include <set>
#include <thread>

#include "common/errors.h"
#include "results/result_store.h"
#include "serving_fixture.h"

namespace gb::testing {
namespace {

namespace fs = std::filesystem;

std::string write_experiment(const fs::path& dir, const std::string& target,
                             const std::string& policies, const std::string& rates) {
  const fs::path file = dir / "experiment.toml";
  std::ofstream(file) << "[experiment]\nname = \"served\"\nrequests = 150\nidle_seconds = 0.2\n"
                         "idle_settle_seconds = 0\nwarmup_batches = 0\nmeter = \"estimate\"\n"
                         "target = \""
                      << target << "\"\n[grid]\nmodels = [\"noop\"]\nrates = [" << rates
                      << "]\narrivals = [\"constant\"]\npolicies = [" << policies << "]\n";
  return file.string();
}

// Configurations in the store; 0 while the sweep has not created it yet (an empty file is refused
// by readers).
std::size_t stored(const fs::path& out) {
  try {
    return ResultStore((out / "results.sqlite").string()).runs().size();
  } catch (const UsageError&) {
    return 0;
  }
}

TEST_F(Serving, SweepWithAServeTargetStartsAServerForEachPolicy) {
  const std::string file =
      write_experiment(dir_, "serve", "\"greedy:8\", \"fixed:4,timeout=5ms\"", "300");
  const fs::path out = dir_ / "sweep";
  const CommandResult r = greenbatch("sweep " + file + " --out " + out.string());
  ASSERT_EQ(r.code, 0) << r.output;
  const auto runs = ResultStore((out / "results.sqlite").string()).runs();
  ASSERT_EQ(runs.size(), 2u);
  std::set<std::string> policies;
  for (const StoredRun& run : runs) {
    policies.insert(run.summary["policy"]);
    EXPECT_EQ(run.summary["load"]["answered"], 150) << run.summary["load"].dump();
    EXPECT_EQ(run.summary["load"]["server"],
              "greenbatch serve, policy " + run.summary["policy"].get<std::string>());
  }
  EXPECT_EQ(policies, (std::set<std::string>{"greedy:8", "fixed:4,timeout=5ms"}));
  std::ifstream in(out / "serve.log");
  const std::string log((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::size_t stops = 0;
  for (auto at = log.find("serve: stopped"); at != std::string::npos;
       at = log.find("serve: stopped", at + 1)) {
    ++stops;
  }
  EXPECT_EQ(stops, 2u) << log;  // each server drained and stopped by its pid
}

TEST_F(Serving, AKilledSweepAgainstAUrlLeavesItsStoreConsistentAndResumes) {
  auto server = serve({"--model", "noop", "--policy", "greedy"});
  const std::string file =
      write_experiment(dir_, server->url(), "\"greedy:128\"", "50, 60, 70, 80");
  const fs::path out = dir_ / "sweep";
  const std::string sweep = build_dir() + "/greenbatch sweep " + file + " --out " + out.string();
  const CommandResult started =
      run_shell(sweep + " > " + (dir_ / "first.log").string() + " 2>&1 & echo $!");
  const int pid = std::stoi(started.output);
  struct Reap {  // the background sweep is stopped by its pid whatever happens below
    int pid;
    ~Reap() { kill(pid, SIGKILL); }
  } reap{pid};
  std::size_t before = 0;
  for (int i = 0; i < 600 && (before = stored(out)) == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_GE(before, 1u) << "no configuration was saved within 30 s";
  ASSERT_EQ(kill(pid, SIGKILL), 0);  // mid-run: the next configuration is in progress
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  const std::size_t after_kill = stored(out);
  EXPECT_GE(after_kill, before);
  EXPECT_LT(after_kill, 4u);
  for (const StoredRun& run : ResultStore((out / "results.sqlite").string()).runs()) {
    EXPECT_EQ(run.summary["load"]["answered"], 150);  // only whole configurations are stored
  }
  const CommandResult resumed = run_shell(sweep);
  ASSERT_EQ(resumed.code, 0) << resumed.output;
  EXPECT_NE(resumed.output.find(std::to_string(after_kill) + " already done"), std::string::npos)
      << resumed.output;
  const auto runs = ResultStore((out / "results.sqlite").string()).runs();
  ASSERT_EQ(runs.size(), 4u);
  std::set<std::string> ids;
  for (const StoredRun& run : runs) ids.insert(run.id);
  EXPECT_EQ(ids.size(), 4u);
}

}  // namespace
}  // namespace gb::testing
