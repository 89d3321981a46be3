// Terminal output helpers: a plain aligned table (hyperfine-style: reads at a glance) and a
// progress line that redraws in place on a TTY and stays quiet in logs.
#pragma once

#include <string>
#include <vector>

namespace gb::cli {

struct Table {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  // Columns whose cells are right-aligned (numbers).
  std::vector<bool> numeric;
  std::string render() const;
};

bool stderr_is_tty();
// Redraws one status line on stderr (TTY only); finish_progress() clears it.
void show_progress(const std::string& line);
void finish_progress();
// A status message on stderr, on its own line.
void status(const std::string& line);

}  // namespace gb::cli
