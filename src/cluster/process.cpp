#include "cluster/process.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "common/control_chars.h"
#include "common/errors.h"
#include "common/parse.h"

extern char** environ;

namespace gb {
namespace {

// Both ends close on exec, so a second child started meanwhile does not inherit them.
void make_pipe(int fds[2]) {
  if (::pipe2(fds, O_CLOEXEC) != 0) throw RunError(std::string("pipe: ") + std::strerror(errno));
}

void close_fd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

// Reads what `fd` holds now into `into` (up to `max` kept); false at end of file.
bool drain(int fd, std::string& into, std::size_t max, bool& truncated) {
  char buf[4096];
  const ssize_t n = ::read(fd, buf, sizeof buf);
  if (n < 0) return errno == EINTR || errno == EAGAIN;
  if (n == 0) return false;
  const std::size_t keep = into.size() < max ? std::min<std::size_t>(n, max - into.size()) : 0;
  into.append(buf, keep);
  if (keep < static_cast<std::size_t>(n)) truncated = true;
  return true;
}

}  // namespace

ProgramResult run_program(const std::vector<std::string>& argv, Nanos timeout,
                          std::size_t max_bytes) {
  if (argv.empty()) throw std::logic_error("run_program: no program");
  int out[2], err[2];
  make_pipe(out);
  try {
    make_pipe(err);
  } catch (...) {
    ::close(out[0]);
    ::close(out[1]);
    throw;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out[1], 1);
  posix_spawn_file_actions_adddup2(&actions, err[1], 2);
  std::vector<char*> args;
  std::vector<std::string> copy = argv;
  for (std::string& a : copy) args.push_back(a.data());
  args.push_back(nullptr);
  pid_t pid = 0;
  const int spawned = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(out[1]);
  ::close(err[1]);
  if (spawned != 0) {
    ::close(out[0]);
    ::close(err[0]);
    throw RunError(fmt::format("cannot run {}: {}", argv[0], std::strerror(spawned)));
  }
  ProgramResult r;
  int fds[2] = {out[0], err[0]};
  const auto deadline = SteadyClock::now() + timeout;
  while (fds[0] >= 0 || fds[1] >= 0) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - SteadyClock::now());
    if (left.count() <= 0) {
      r.timed_out = true;
      break;
    }
    pollfd p[2] = {{fds[0], POLLIN, 0}, {fds[1], POLLIN, 0}};
    const int ready = ::poll(p, 2, static_cast<int>(std::min<long long>(left.count(), 1000)));
    if (ready < 0 && errno != EINTR) break;
    for (int i = 0; i < 2; ++i) {
      if (fds[i] >= 0 && (p[i].revents & (POLLIN | POLLHUP | POLLERR)) &&
          !drain(fds[i], i == 0 ? r.out : r.err, max_bytes, r.truncated)) {
        close_fd(fds[i]);
      }
    }
  }
  close_fd(fds[0]);
  close_fd(fds[1]);
  // The output ended; the program may not have (it closed its streams and went on).
  int status = 0;
  for (;;) {
    if (r.timed_out) ::kill(pid, SIGKILL);  // ours, not yet reaped: the pid cannot be reused
    const pid_t done = ::waitpid(pid, &status, r.timed_out ? 0 : WNOHANG);
    if (done == pid) break;
    if (done < 0) {
      if (errno == EINTR) continue;
      throw RunError(fmt::format("waiting for {}: {}", argv[0], std::strerror(errno)));
    }
    if (SteadyClock::now() >= deadline) {
      r.timed_out = true;
    } else {
      ::usleep(10000);
    }
  }
  r.exit_code = !r.timed_out && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

std::string find_program(const std::string& name) {
  namespace fs = std::filesystem;
  const auto executable = [](const fs::path& p) {
    std::error_code ec;
    return fs::is_regular_file(p, ec) && ::access(p.c_str(), X_OK) == 0;
  };
  if (name.empty()) return "";
  if (name.find('/') != std::string::npos) {
    return executable(name) ? fs::absolute(name).lexically_normal().string() : "";
  }
  const char* path = std::getenv("PATH");
  for (const std::string& dir : split(path ? path : "", ':')) {
    if (dir.empty()) continue;  // the current folder: not searched, as a login shell would not
    const fs::path candidate = fs::path(dir) / name;
    if (executable(candidate)) return fs::absolute(candidate).lexically_normal().string();
  }
  return "";
}

std::string first_line(const std::string& text) {
  std::string out = drop_controls(std::string_view(text).substr(0, text.find('\n')));
  if (out.size() > 300) out.resize(300);
  return std::string(trim(out));
}

}  // namespace gb
