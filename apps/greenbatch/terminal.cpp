#include "terminal.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>

namespace gb::cli {

namespace {

// Lines carry names from files (models, profiles' machines): no escape sequence of theirs reaches
// the terminal, and a newline cannot forge another line.
std::string printable(std::string line) {
  for (char& c : line) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
  }
  return line;
}

}  // namespace

bool stderr_is_tty() { return ::isatty(STDERR_FILENO) == 1; }

void show_progress(const std::string& line) {
  if (!stderr_is_tty()) return;
  std::fprintf(stderr, "\r\033[2K%s", printable(line).c_str());
  std::fflush(stderr);
}

void finish_progress() {
  if (!stderr_is_tty()) return;
  std::fprintf(stderr, "\r\033[2K");
  std::fflush(stderr);
}

void status(const std::string& line) {
  finish_progress();
  std::fprintf(stderr, "%s\n", printable(line).c_str());
  std::fflush(stderr);
}

}  // namespace gb::cli
