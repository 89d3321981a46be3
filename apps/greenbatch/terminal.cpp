#include "terminal.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>

namespace gb::cli {

bool stderr_is_tty() { return ::isatty(STDERR_FILENO) == 1; }

void show_progress(const std::string& line) {
  if (!stderr_is_tty()) return;
  std::fprintf(stderr, "\r\033[2K%s", line.c_str());
  std::fflush(stderr);
}

void finish_progress() {
  if (!stderr_is_tty()) return;
  std::fprintf(stderr, "\r\033[2K");
  std::fflush(stderr);
}

void status(const std::string& line) {
  finish_progress();
  std::fprintf(stderr, "%s\n", line.c_str());
  std::fflush(stderr);
}

}  // namespace gb::cli
