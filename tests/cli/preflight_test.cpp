// The inputs experiment/preflight.cpp checks before anything is written, end to end: a model
// file that is not TorchScript, weights that do not load, a model file that does not exist and
// an unknown device are each one line naming the problem, exit 2, and nothing on disk. Before
// preflight, a sweep left results.sqlite behind and a run machine.json.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>

#include "command_runner.h"
#include "profile/profile_fixture.h"
#include "test_paths.h"

namespace {

namespace fs = std::filesystem;

using gb::testing::CommandResult;

// Bytes that are no zip archive, hence neither TorchScript nor a pickled dict of tensors.
void write_junk(const fs::path& path) {
  std::ofstream(path, std::ios::binary) << "this is not a TorchScript archive\n\x01\x02\x03";
}

int lines(const std::string& text) {
  return static_cast<int>(std::count(text.begin(), text.end(), '\n'));
}

class Preflight : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = gb::testing::scratch_dir("preflight");
    out_ = dir_ / "out";
  }
  void TearDown() override { fs::remove_all(dir_); }

  // greenbatch ARGS run inside the scratch folder, so that relative model names resolve there.
  CommandResult greenbatch_here(const std::string& args) const {
    return gb::testing::run_shell("cd " + dir_.string() + " && " + gb::testing::build_dir() +
                                  "/greenbatch " + args);
  }

  // An experiment of `models` (TOML list items, quoted) with two rates: the noop model listed
  // first would run, and create the store, before a later model is loaded.
  std::string write_experiment(const std::string& models) const {
    const fs::path file = dir_ / "exp.toml";
    std::ofstream(file) << "[experiment]\nname = \"preflight\"\nrequests = 20\n"
                           "warmup_batches = 0\nidle_seconds = 0\n[grid]\nmodels = ["
                        << models
                        << "]\nrates = [200, 300]\narrival = [\"constant\"]\n"
                           "policies = [\"fixed:4\"]\n";
    return file.string();
  }

  // exit 2 and exactly one line, which contains `expect`.
  static void expect_one_line_error(const CommandResult& r, const std::string& expect) {
    EXPECT_EQ(r.code, 2) << r.output;
    EXPECT_EQ(lines(r.output), 1) << r.output;
    EXPECT_NE(r.output.find(expect), std::string::npos) << "expected '" << expect << "' in\n"
                                                        << r.output;
  }

  // Nothing written: `out_` does not exist, or is an empty folder.
  void expect_nothing_written() const {
    if (!fs::exists(out_)) return;
    EXPECT_TRUE(fs::is_directory(out_)) << out_;
    for (const auto& e : fs::directory_iterator(out_)) ADD_FAILURE() << "wrote " << e.path();
  }

  fs::path dir_;
  fs::path out_;
};

TEST_F(Preflight, SweepWithAModelFileThatIsNotTorchScriptWritesNoStore) {
  write_junk(dir_ / "not_a_model.pt");
  const std::string file = write_experiment("\"noop\", \"not_a_model.pt\"");
  const CommandResult r = greenbatch_here("sweep " + file + " --out " + out_.string());
  expect_one_line_error(r, "'not_a_model.pt' is not a loadable TorchScript file");
  EXPECT_FALSE(fs::exists(out_ / "results.sqlite")) << r.output;
  expect_nothing_written();
}

TEST_F(Preflight, RunWithWeightsThatAreNotTorchScriptWritesNoMachineDescription) {
  write_junk(dir_ / "BAD.pt");
  const CommandResult r = greenbatch_here(
      "run --model shufflenet_v2_x0_5 --weights BAD.pt --requests 8 --warmup-batches 0 "
      "--idle-seconds 0 --out " +
      out_.string());
  expect_one_line_error(r, "weights 'BAD.pt' are neither a TorchScript archive");
  EXPECT_FALSE(fs::exists(out_ / "machine.json")) << r.output;
  expect_nothing_written();
}

// Every model has a profile, so attach_profiles accepts the grid and the missing file is left to
// preflight; the noop configurations listed first would otherwise run (for real and simulated)
// before the missing model's session failed, printing their progress and writing --csv.
TEST_F(Preflight, ValidateWithAMissingModelFileFailsBeforeAnyRun) {
  const std::string noop_profile = (dir_ / "noop.json").string();
  const std::string missing_profile = (dir_ / "missing.json").string();
  gb::testing::linear_profile("noop").save(noop_profile);
  gb::testing::linear_profile("missing.pt").save(missing_profile);
  ASSERT_FALSE(fs::exists(dir_ / "missing.pt"));
  const std::string file = write_experiment("\"noop\", \"missing.pt\"");
  const fs::path csv = dir_ / "validation.csv";
  const CommandResult r =
      greenbatch_here("validate " + file + " -p " + noop_profile + " -p " + missing_profile +
                      " --repetitions 1 --draws 1 --csv " + csv.string());
  expect_one_line_error(r, "model file 'missing.pt' does not exist");
  EXPECT_FALSE(fs::exists(csv)) << r.output;
}

// The same file without a profile of its model: attach_profiles refuses it first, by name.
TEST_F(Preflight, ValidateWithoutAProfileOfTheMissingModelNamesTheProfileCommand) {
  const std::string noop_profile = (dir_ / "noop.json").string();
  gb::testing::linear_profile("noop").save(noop_profile);
  const std::string file = write_experiment("\"noop\", \"missing.pt\"");
  const CommandResult r = greenbatch_here("validate " + file + " -p " + noop_profile);
  expect_one_line_error(r, "greenbatch profile --model missing.pt");
}

TEST_F(Preflight, RunOnAnUnknownDeviceWritesNothing) {
  const CommandResult r = greenbatch_here(
      "run --model noop --device tpu --requests 8 --idle-seconds 0 --out " + out_.string());
  expect_one_line_error(r, "unknown device 'tpu' (known: cpu, cuda, cuda:N)");
  EXPECT_FALSE(fs::exists(out_ / "machine.json")) << r.output;
  expect_nothing_written();
}

}  // namespace

namespace {

// A trace shorter than --requests is refused before the model is loaded (it used to fail after
// loading and warming up); without --requests a run takes the trace's length.
TEST_F(Preflight, ATraceSetsTheRequestsAndAShortOneIsRefusedBeforeLoading) {
  std::ofstream(dir_ / "t.txt") << "0\n0.01\n0.02\n0.03\n0.05\n";
  const CommandResult short_trace =
      greenbatch_here("run --model shufflenet_v2_x0_5 --arrival trace:t.txt --requests 6 --out " +
                      out_.string() + " 2>&1");
  expect_one_line_error(short_trace, "has 5 arrivals; 6 requests asked for: ask for at most 5");
  expect_nothing_written();
  const CommandResult whole = greenbatch_here(
      "run --model noop --arrival trace:t.txt --idle-seconds 0 --warmup-batches 0 --json --out " +
      out_.string() + " 2>/dev/null");
  ASSERT_EQ(whole.code, 0) << whole.output;
  EXPECT_NE(whole.output.find("\"requests\": 5,"), std::string::npos) << whole.output;
}

}  // namespace
