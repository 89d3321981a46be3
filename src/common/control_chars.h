// Control characters in text that came from a file or another program, on its way to a terminal,
// a status table, a gnuplot script, a job script or a config file: a C0 control or DEL could end a
// line (forging another), or start a terminal escape sequence. One rule for every module; which of
// the two treatments a caller needs depends on where the text goes.
#pragma once

#include <string>
#include <string_view>

namespace gb {

// C0 controls (newline, tab, escape, ...) and DEL.
inline bool is_control(char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; }

// `text` with each control character replaced by `with`: for prose, where a space keeps the words
// of a multi-line message apart on its one line, or '?' shows that something was there.
inline std::string replace_controls(std::string text, char with = ' ') {
  for (char& c : text) {
    if (is_control(c)) c = with;
  }
  return text;
}

// `text` without its control characters: for values, where a replacement would change them (a
// name in a gnuplot string, a figure in a status table).
inline std::string drop_controls(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (!is_control(c)) out += c;
  }
  return out;
}

}  // namespace gb
