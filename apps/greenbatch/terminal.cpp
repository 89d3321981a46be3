#include "terminal.h"

#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <cstring>

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

char interrupt_message[1024];
std::size_t interrupt_length = 0;

void say_and_exit(int) {
  ssize_t ignored = ::write(STDERR_FILENO, interrupt_message, interrupt_length);
  (void)ignored;
  _exit(130);
}

}  // namespace

void on_interrupt_say(const std::string& message) {
  const std::string text = "\ngreenbatch: interrupted; " + printable(message) + "\n";
  interrupt_length = std::min(text.size(), sizeof interrupt_message);
  std::memcpy(interrupt_message, text.data(), interrupt_length);
  std::signal(SIGINT, say_and_exit);
  std::signal(SIGTERM, say_and_exit);
}

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
