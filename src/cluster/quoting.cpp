#include "cluster/quoting.h"

#include "common/control_chars.h"
#include "common/errors.h"

namespace gb {
namespace {

bool plain(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         std::string_view("_@%+:,./-").find(c) != std::string_view::npos;
}

}  // namespace

std::string shell_quote(std::string_view text, std::string_view what) {
  if (text.find('\0') != std::string_view::npos) {
    throw UsageError(std::string(what) + " holds a NUL byte, which no shell word can hold");
  }
  bool simple = !text.empty();
  for (char c : text) simple = simple && plain(c);
  if (simple) return std::string(text);
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string sbatch_quote(std::string_view text, std::string_view what) {
  std::string out = "\"";
  for (char c : text) {
    if (is_control(c)) {
      throw UsageError(std::string(what) +
                       " holds a control character (a newline, a tab), which an #SBATCH line "
                       "cannot hold; remove it");
    }
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

}  // namespace gb
