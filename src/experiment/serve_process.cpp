#include "experiment/serve_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <thread>

#include "common/errors.h"

namespace gb {
namespace {

std::string log_tail(const std::string& path) {
  if (path.empty()) return "";
  std::ifstream in(path);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (text.size() > 600) text = "..." + text.substr(text.size() - 600);
  for (char& c : text) c = c == '\n' ? ' ' : c;
  return text.empty() ? "" : "; its log ends: " + text;
}

// Waits up to `bound` for the child to exit; its status, or -1 when it is still running.
int wait_exit(int pid, Nanos bound) {
  const auto until = SteadyClock::now() + bound;
  for (;;) {
    int status = 0;
    if (waitpid(pid, &status, WNOHANG) == pid) return status;
    if (SteadyClock::now() >= until) return -1;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

}  // namespace

std::string own_executable() { return std::filesystem::read_symlink("/proc/self/exe").string(); }

std::unique_ptr<ServeProcess> start_serve(const std::string& binary,
                                          const std::vector<std::string>& args,
                                          const std::string& log) {
  std::vector<std::string> argv = {binary, "serve"};
  argv.insert(argv.end(), args.begin(), args.end());
  for (const char* a : {"--port", "0", "--host", "127.0.0.1"}) argv.emplace_back(a);
  return std::make_unique<ServeProcess>(std::move(argv), log);
}

ServeProcess::ServeProcess(std::vector<std::string> args, const std::string& log, Nanos startup,
                           Nanos stop)
    : stop_(stop) {
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  const std::string binary = args.at(0);
  int out[2];
  if (pipe2(out, O_CLOEXEC) != 0) throw RunError("cannot start " + binary + ": pipe failed");
  const int err = open(log.empty() ? "/dev/null" : log.c_str(),
                       O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  const pid_t parent = getpid();
  pid_ = fork();
  if (pid_ == 0) {
    // Only async-signal-safe calls until exec.
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (getppid() != parent) _exit(127);
    const int in = open("/dev/null", O_RDONLY);
    dup2(in, 0);
    dup2(out[1], 1);
    if (err >= 0) dup2(err, 2);
    execv(binary.c_str(), argv.data());
    _exit(127);
  }
  close(out[1]);
  if (err >= 0) close(err);
  if (pid_ < 0) {
    close(out[0]);
    throw RunError("cannot start " + binary + ": fork failed");
  }
  // The one line the server prints on stdout: "listening on http://HOST:PORT".
  const std::regex listening(R"(listening on http://[^:]+:(\d+)\n)");
  std::string seen;
  const auto until = SteadyClock::now() + startup;
  while (port_ == 0 && SteadyClock::now() < until) {
    pollfd p{out[0], POLLIN, 0};
    if (poll(&p, 1, 100) <= 0) continue;
    char buf[512];
    const ssize_t n = read(out[0], buf, sizeof buf);
    if (n <= 0) break;  // the server closed its stdout: it exited
    seen.append(buf, static_cast<std::size_t>(n));
    std::smatch m;
    if (std::regex_search(seen, m, listening)) port_ = std::stoi(m[1]);
  }
  // Kept open while the child lives: a write it makes later must not fail for want of a reader.
  stdout_ = out[0];
  if (port_ == 0) {
    close(stdout_);
    kill(pid_, SIGKILL);
    const int status = wait_exit(pid_, std::chrono::seconds(10));
    const std::string why = args[0] + " did not start listening" + log_tail(log);
    if (status >= 0 && WIFEXITED(status) && WEXITSTATUS(status) == 2) throw UsageError(why);
    throw RunError(why);
  }
}

ServeProcess::~ServeProcess() {
  kill(pid_, SIGTERM);
  if (wait_exit(pid_, stop_) < 0) {
    kill(pid_, SIGKILL);
    wait_exit(pid_, std::chrono::seconds(10));
  }
  close(stdout_);
}

}  // namespace gb
