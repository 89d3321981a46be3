// Terminal output helpers: a progress line that redraws in place on a TTY and stays quiet in logs,
// and status lines. Tables are common/text_table.h.
#pragma once

#include <string>

#include "common/text_table.h"

namespace gb::cli {

bool stderr_is_tty();
// Redraws one status line on stderr (TTY only); finish_progress() clears it.
void show_progress(const std::string& line);
void finish_progress();
// A status message on stderr, on its own line.
void status(const std::string& line);
// From now on, SIGINT and SIGTERM print `message` (what is saved, how to go on) and exit 130.
// The text is fixed when this is called: a signal handler may only write(). A GPU power limit or
// clocks held then are restored first (energy/gpu_control.h), by a watcher thread the handler
// wakes through a pipe, and each restoring is a line of its own; a second signal while that runs
// exits at once, leaving them to the next start.
void on_interrupt_say(const std::string& message);

}  // namespace gb::cli
