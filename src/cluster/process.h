// Running the scheduler's commands (sbatch, squeue) from greenbatch: by argv, never through a
// shell, so no path or name in an argument is interpreted; with a time limit and bounded output,
// because a scheduler that hangs or floods must not hang or exhaust greenbatch.
//
// Contract of run_program:
// - argv[0] is an absolute path (find_program's) or a name looked up in PATH; stdin is /dev/null.
// - stdout and stderr are captured separately, each up to `max_bytes`; anything beyond is read and
//   dropped (so the child never blocks on a full pipe) and `truncated` says so.
// - After `timeout` the child is killed (SIGKILL, by its pid: the one process started here) and
//   reaped; `timed_out` is then true and exit_code -1. A child killed by a signal has exit_code -1.
// - RunError naming the program when it cannot be started (missing, not executable).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "common/time.h"

namespace gb {

struct ProgramResult {
  int exit_code = -1;
  bool timed_out = false;
  bool truncated = false;
  std::string out, err;
};

ProgramResult run_program(const std::vector<std::string>& argv, Nanos timeout,
                          std::size_t max_bytes = 64 * 1024);

// The absolute path of the executable file `name` in one of PATH's folders, or "" when there is
// none (a name with a '/' is not looked up: "" unless it is an executable file itself).
std::string find_program(const std::string& name);

// The first line of `text` without control characters, at most 300 characters: how another
// program's message is quoted in one of ours (one line, no terminal escapes).
std::string first_line(const std::string& text);

}  // namespace gb
