// gnuplot, kept at arm's length: strings from results (model names, policies, methods) are quoted
// so gnuplot can neither run them nor end a string or a line with them, and gnuplot itself is
// started by argv, never through a shell (docs/report.md).
#pragma once

#include <string>

namespace gb {

// Drops control characters: a newline (or CR) would end a gnuplot command or a data record.
std::string printable(const std::string& s);
// A string for a gnuplot script: single-quoted, where gnuplot expands nothing (no backquote
// command substitution, no backslash escapes, no @macros), control characters dropped. A ' is
// spliced in as the string "'" ('a'."'".'b'): gnuplot 5.4 misreads a doubled '' at the start of a
// string or right after another.
std::string gp_string(const std::string& s);
// A string in a data file: double-quoted (data files know no other quoting and no escapes, and
// expand nothing), so a " in the text becomes ', and control characters are dropped.
std::string dat_string(const std::string& s);
// Runs gnuplot on `script` inside `dir` with its output (both streams) to `log` there. Returns
// gnuplot's exit code, 127 when gnuplot is not installed; RunError when it cannot be started.
int run_gnuplot(const std::string& dir, const std::string& script, const std::string& log);

}  // namespace gb
