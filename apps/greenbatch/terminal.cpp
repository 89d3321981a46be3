#include "terminal.h"

#include <fcntl.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <thread>

#include "common/control_chars.h"
#include "energy/gpu_control.h"

namespace gb::cli {

namespace {

// Lines carry names from files (models, profiles' machines): no escape sequence of theirs reaches
// the terminal, and a newline cannot forge another line.
std::string printable(std::string line) { return replace_controls(std::move(line)); }

char interrupt_message[1024];
// Written before and after the message, read by the handler: 0 while the text is being replaced.
volatile std::sig_atomic_t interrupt_length = 0;

// The handler only writes: restoring a GPU's power limit and clocks takes NVML calls, which are
// not async-signal-safe, so a watcher thread does it, woken through this pipe.
int wake_fds[2] = {-1, -1};
volatile std::sig_atomic_t woken = 0;

void write_all(const char* text, std::size_t n) {
  while (n > 0) {
    const ssize_t w = ::write(STDERR_FILENO, text, n);
    if (w <= 0) return;
    text += w;
    n -= static_cast<std::size_t>(w);
  }
}

void say_and_exit(int) {
  if (wake_fds[1] >= 0 && !woken) {
    woken = 1;
    const char byte = 1;
    if (::write(wake_fds[1], &byte, 1) == 1) return;
  }
  write_all(interrupt_message, static_cast<std::size_t>(interrupt_length));
  if (woken) {
    static const char again[] =
        "greenbatch: interrupted again: exiting without restoring the GPU's settings; the next "
        "greenbatch start restores them\n";
    write_all(again, sizeof again - 1);
  }
  _exit(130);
}

void watch_for_interrupts() {
  char byte = 0;
  while (::read(wake_fds[0], &byte, 1) != 1) {
    if (errno != EINTR) return;
  }
  std::string text(interrupt_message, static_cast<std::size_t>(interrupt_length));
  for (const std::string& line : restore_held_gpu_settings()) {
    text += "greenbatch: restored " + printable(line) + "\n";
  }
  write_all(text.data(), text.size());
  _exit(130);
}

}  // namespace

void on_interrupt_say(const std::string& message) {
  std::string text = "\ngreenbatch: interrupted; " + printable(message);
  text = text.substr(0, sizeof interrupt_message - 1) + "\n";
  interrupt_length = 0;
  std::memcpy(interrupt_message, text.data(), text.size());
  interrupt_length = static_cast<std::sig_atomic_t>(text.size());
  if (wake_fds[0] < 0 && ::pipe2(wake_fds, O_CLOEXEC) == 0) {
    std::thread(watch_for_interrupts).detach();
  }
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
