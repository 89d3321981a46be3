// Running the greenbatch binary (or any shell command) from a test: exit code and the combined
// stdout + stderr, with stdin closed. One helper for every end-to-end suite.
#pragma once

#include <sys/wait.h>

#include <cstdio>
#include <string>

#include "test_paths.h"

namespace gb::testing {

struct CommandResult {
  int code = -1;       // exit status; -1 when killed by a signal
  std::string output;  // stdout and stderr together
};

// `merge_stderr` false leaves stderr where the command sends it (e.g. its own 2>FILE).
inline CommandResult run_shell(const std::string& command, bool merge_stderr = true) {
  CommandResult r;
  FILE* p = popen((command + (merge_stderr ? " 2>&1" : "") + " </dev/null").c_str(), "r");
  if (!p) return r;
  char buf[4096];
  while (std::size_t n = fread(buf, 1, sizeof buf, p)) r.output.append(buf, n);
  const int status = pclose(p);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

// build/greenbatch ARGS, with `env` (e.g. "LD_LIBRARY_PATH=... GB_FAKE_NVML='...'") in front.
inline CommandResult greenbatch(const std::string& args, const std::string& env = "") {
  return run_shell(env + (env.empty() ? "" : " ") + build_dir() + "/greenbatch " + args);
}

}  // namespace gb::testing
