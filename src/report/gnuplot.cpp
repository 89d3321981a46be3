#include "report/gnuplot.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/control_chars.h"
#include "common/errors.h"

namespace gb {

// Drops control characters: a newline (or CR) would end a gnuplot command or a data record.
std::string printable(const std::string& s) { return drop_controls(s); }

// A string for a gnuplot script: single-quoted, where gnuplot expands nothing (no backquote
// command substitution, no backslash escapes, no @macros), control characters dropped; so text
// from the results can neither run a command nor end the string or the line. A ' is spliced in as
// the string "'" ('a'."'".'b'): gnuplot 5.4 misreads a doubled '' at the start of a string or
// right after another.
std::string gp_string(const std::string& s) {
  std::string out = "'";
  for (char c : printable(s)) out += c == '\'' ? std::string("'.\"'\".'") : std::string(1, c);
  return out + "'";
}

// A string in a data file: double-quoted (data files know no other quoting and no escapes, and
// expand nothing), so a " in the text becomes ', and control characters are dropped.
std::string dat_string(const std::string& s) {
  std::string out = "\"";
  for (char c : printable(s)) out += c == '"' ? '\'' : c;
  return out + "\"";
}

// Runs gnuplot on `script` inside `dir` with its output (both streams) to `log` there: argv, no
// shell, so no name reaches a command line. Returns gnuplot's exit code, 127 when not found.
int run_gnuplot(const std::string& dir, const std::string& script, const std::string& log) {
  // A file action failing in the child (no folder, a log that cannot be created) also comes back
  // as ENOENT or EACCES: check what can be checked first, so 127 means no gnuplot.
  if (::access(dir.c_str(), W_OK | X_OK) != 0) {
    throw RunError(fmt::format("cannot draw figures in {}: {}", dir, std::strerror(errno)));
  }
  posix_spawn_file_actions_t actions;
  int rc = posix_spawn_file_actions_init(&actions);
  if (rc == 0) rc = posix_spawn_file_actions_addchdir_np(&actions, dir.c_str());
  if (rc == 0) rc = posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  // Named relative to `dir`, which the child has moved into, so a relative --out works.
  if (rc == 0) {
    rc = posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                          0644);
  }
  if (rc == 0) rc = posix_spawn_file_actions_adddup2(&actions, 1, 2);
  if (rc != 0) {
    posix_spawn_file_actions_destroy(&actions);
    throw RunError(fmt::format("cannot prepare gnuplot's start: {}", std::strerror(rc)));
  }
  std::string program = "gnuplot", arg = script;
  char* argv[] = {program.data(), arg.data(), nullptr};
  pid_t pid = 0;
  const int spawned = posix_spawnp(&pid, "gnuplot", &actions, nullptr, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  if (spawned == ENOENT) return 127;
  if (spawned != 0) {
    throw RunError(fmt::format("cannot run gnuplot in {}: {}", dir, std::strerror(spawned)));
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) throw RunError(std::string("waiting for gnuplot: ") + std::strerror(errno));
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace gb
