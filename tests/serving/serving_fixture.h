// What the serving suites share: servers started by the test itself (greenbatch serve, or a stub)
// on a free loopback port, stopped by their pid whatever the outcome (ServeProcess), and `load`
// runs read back from their summary.json.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "command_runner.h"
#include "experiment/serve_process.h"
#include "test_paths.h"

namespace gb::testing {

class Serving : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = scratch_dir("serving"); }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // `greenbatch serve ARGS`, with a short warm-up unless ARGS give one.
  std::unique_ptr<ServeProcess> serve(const std::vector<std::string>& args) {
    std::vector<std::string> a = args;
    if (std::find(a.begin(), a.end(), "--warmup-batches") == a.end()) {
      a.insert(a.end(), {"--warmup-batches", "1", "--warmup-batch-size", "2"});
    }
    return start_serve(build_dir() + "/greenbatch", a, log());
  }
  // A stub server of tests/serving (a Python script that prints the same "listening" line).
  std::unique_ptr<ServeProcess> stub(const std::string& script, std::vector<std::string> args) {
    args.insert(args.begin(), {"/usr/bin/python3", source_dir() + "/tests/serving/" + script});
    return std::make_unique<ServeProcess>(args, log());
  }
  // `greenbatch load` of `url` into OUT; the result of the command.
  CommandResult load(const std::string& url, const std::string& args, const std::string& out) {
    return greenbatch("load --url " + url + " --out " + (dir_ / out).string() + " " + args);
  }
  // The last run's summary.json document in OUT.
  nlohmann::json last_run(const std::string& out) const {
    std::ifstream in(dir_ / out / "summary.json");
    const nlohmann::json runs = nlohmann::json::parse(in);
    return runs.back();
  }
  std::string log() const { return (dir_ / "server.log").string(); }
  std::string server_log() const {
    std::ifstream in(log());
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }

  std::filesystem::path dir_;
};

}  // namespace gb::testing
