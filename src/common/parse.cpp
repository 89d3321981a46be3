#include "common/parse.h"

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "common/errors.h"

namespace gb {

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

std::vector<std::string> split(std::string_view text, char sep) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    size_t pos = text.find(sep, start);
    parts.emplace_back(trim(text.substr(start, pos - start)));
    if (pos == std::string_view::npos) break;
    start = pos + 1;
  }
  return parts;
}

namespace {

std::string format_number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

std::string duration_range() {
  return "0 to " + std::to_string(kMaxDuration / std::chrono::hours(24)) + " days";
}

// Nanos of a count of `scale`-ns units, checked in double before llround: llround of a value
// beyond int64 (or of NaN) is unspecified and came out as negative times.
Nanos checked_nanos(double v, double scale, std::string_view what, std::string_view text) {
  const double ns = v * scale;
  if (!(v >= 0) || !(ns <= static_cast<double>(kMaxDuration.count()))) {
    throw_out_of_range(what, text.empty() ? format_number(v) : text, duration_range());
  }
  return Nanos(std::llround(ns));
}

// The number `s` spells; only a syntax error throws. NaN, infinities and overflow (as +-HUGE_VAL)
// come back as values, so that a ranged caller reports them as out of range.
double any_number(const std::string& s, std::string_view what) {
  if (s.empty()) throw UsageError(std::string(what) + ": empty number");
  char* end = nullptr;
  const double v = std::strtod(s.c_str(), &end);
  if (end != s.c_str() + s.size()) {
    throw UsageError(std::string(what) + ": '" + s + "' is not a number");
  }
  return v;
}

}  // namespace

void throw_out_of_range(std::string_view what, std::string_view text, std::string_view range) {
  throw OutOfRangeError(std::string(what) + ": '" + std::string(text) + "' is out of range (" +
                        std::string(range) + ")");
}

double parse_double(std::string_view text, std::string_view what) {
  const std::string s(trim(text));
  const double v = any_number(s, what);
  if (!std::isfinite(v)) throw UsageError(std::string(what) + ": '" + s + "' is not a number");
  return v;
}

double parse_double_in(std::string_view text, std::string_view what, double lo, double hi,
                       std::string_view unit) {
  const std::string s(trim(text));
  return check_range(any_number(s, what), what, lo, hi, unit, s);
}

Nanos parse_seconds(std::string_view text, std::string_view what) {
  const std::string s(trim(text));
  return checked_nanos(any_number(s, what), 1e9, what, s);
}

double check_range(double v, std::string_view what, double lo, double hi, std::string_view unit,
                   std::string_view text) {
  if (!(v >= lo && v <= hi)) {
    std::string range = format_number(lo) + " to " + format_number(hi);
    if (!unit.empty()) range += " " + std::string(unit);
    throw_out_of_range(what, text.empty() ? format_number(v) : text, range);
  }
  return v;
}

int64_t parse_int(std::string_view text, std::string_view what) {
  std::string s(trim(text));
  if (s.empty()) throw UsageError(std::string(what) + ": empty integer");
  char* end = nullptr;
  errno = 0;
  long long v = std::strtoll(s.c_str(), &end, 10);
  if (end != s.c_str() + s.size() || errno == ERANGE) {
    throw UsageError(std::string(what) + ": '" + s + "' is not an integer");
  }
  return v;
}

Nanos seconds_to_nanos(double seconds, std::string_view what, std::string_view text) {
  return checked_nanos(seconds, 1e9, what, text);
}

Nanos parse_duration(std::string_view text, std::string_view what) {
  std::string_view t = trim(text);
  size_t unit_at = t.size();
  while (unit_at > 0 && std::isalpha(static_cast<unsigned char>(t[unit_at - 1]))) --unit_at;
  std::string_view number = t.substr(0, unit_at);
  std::string_view unit = t.substr(unit_at);
  double scale = 0;
  if (unit == "ns") {
    scale = 1;
  } else if (unit == "us") {
    scale = 1e3;
  } else if (unit == "ms") {
    scale = 1e6;
  } else if (unit == "s") {
    scale = 1e9;
  } else if (unit == "m" || unit == "min") {
    scale = 60e9;
  } else {
    throw UsageError("duration '" + std::string(t) +
                     "' needs a unit: ns, us, ms, s or m (e.g. 250ms)");
  }
  const double v = any_number(std::string(trim(number)), "duration '" + std::string(t) + "'");
  return checked_nanos(v, scale, what, t);
}

Nanos parse_seconds_or_duration(std::string_view text, std::string_view what) {
  const std::string t(trim(text));
  // Whatever strtod reads whole ("5", "1e3", "nan", "inf") is seconds, with its range message;
  // the rest must carry a unit.
  char* end = nullptr;
  std::strtod(t.c_str(), &end);
  if (!t.empty() && end == t.c_str() + t.size()) return parse_seconds(t, what);
  return parse_duration(t, what);
}

std::string format_duration(Nanos d) {
  // Exact, always: canonical policy strings (and so configuration ids) are built from this, and
  // two budgets that print alike would be one configuration.
  const int64_t ns = d.count();
  if (ns == 0) return "0s";
  if (ns % 1000000000 == 0) return std::to_string(ns / 1000000000) + "s";
  if (ns % 1000000 == 0) return std::to_string(ns / 1000000) + "ms";
  if (ns % 1000 == 0) return std::to_string(ns / 1000) + "us";
  return std::to_string(ns) + "ns";
}

std::size_t check_count(int64_t v, std::string_view what, int64_t lo, int64_t hi) {
  if (v < lo || v > hi) {
    const std::string range = hi == std::numeric_limits<int64_t>::max()
                                  ? std::to_string(lo) + " or more"
                                  : std::to_string(lo) + " to " + std::to_string(hi);
    throw_out_of_range(what, std::to_string(v), range);
  }
  return static_cast<std::size_t>(v);
}

}  // namespace gb
