// ServeProcess: a server started as a child process and stopped by its pid: `greenbatch serve`
// for one configuration of a sweep whose target is "serve" (start_serve(), on a free loopback
// port), or any program that prints the same line when it listens (tests' stub servers).
//
// Contract: the constructor returns once the child prints "listening on http://HOST:PORT" on its
// stdout (bounded by `startup`), or throws RunError with the tail of its log (UsageError when it
// refused its arguments, exit 2). The child gets SIGTERM if this process dies (PR_SET_PDEATHSIG),
// so a killed sweep leaves no server behind. The destructor sends SIGTERM, waits up to `stop` for
// the graceful drain, then SIGKILLs, and reaps it.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/time.h"

namespace gb {

class ServeProcess {
 public:
  // `argv`: the program and its arguments. `log`: a file its stderr is appended to ("" =
  // discarded).
  ServeProcess(std::vector<std::string> argv, const std::string& log,
               Nanos startup = std::chrono::seconds(300), Nanos stop = std::chrono::seconds(60));
  ~ServeProcess();
  ServeProcess(const ServeProcess&) = delete;
  ServeProcess& operator=(const ServeProcess&) = delete;

  int pid() const { return pid_; }
  int port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

 private:
  int pid_ = -1;
  int port_ = 0;
  int stdout_ = -1;  // the read end of the child's stdout
  Nanos stop_;
};

// `binary serve ARGS --port 0 --host 127.0.0.1`: `args` are the serve command's options.
std::unique_ptr<ServeProcess> start_serve(const std::string& binary,
                                          const std::vector<std::string>& args,
                                          const std::string& log);

// This process's own executable (/proc/self/exe).
std::string own_executable();

}  // namespace gb
