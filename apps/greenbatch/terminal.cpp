#include "terminal.h"

#include <sys/ioctl.h>
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
// Written before and after the message, read by the handler: 0 while the text is being replaced.
volatile std::sig_atomic_t interrupt_length = 0;

void say_and_exit(int) {
  ssize_t ignored =
      ::write(STDERR_FILENO, interrupt_message, static_cast<std::size_t>(interrupt_length));
  (void)ignored;
  _exit(130);
}

}  // namespace

void on_interrupt_say(const std::string& message) {
  std::string text = "\ngreenbatch: interrupted; " + printable(message);
  text = text.substr(0, sizeof interrupt_message - 1) + "\n";
  interrupt_length = 0;
  std::memcpy(interrupt_message, text.data(), text.size());
  interrupt_length = static_cast<std::sig_atomic_t>(text.size());
  std::signal(SIGINT, say_and_exit);
  std::signal(SIGTERM, say_and_exit);
}

bool stderr_is_tty() { return ::isatty(STDERR_FILENO) == 1; }

void show_progress(const std::string& line) {
  if (!stderr_is_tty()) return;
  // A line wider than the terminal would wrap, and "\r" returns only to the start of its last
  // row: the redraw would leave the first rows behind.
  std::string shown = printable(line);
  winsize ws{};
  if (::ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 1) {
    shown = first_characters(shown, ws.ws_col - 1u);
  }
  std::fprintf(stderr, "\r\033[2K%s", shown.c_str());
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
