// Parsing of the small value syntaxes shared by the CLI, policy strings, experiment files and trace
// files, and the one range check behind all of them. Every function throws UsageError with a
// message that names the offending text; a number that parses but lies outside its stated range
// throws OutOfRangeError, always worded "WHAT: 'TEXT' is out of range (RANGE)".
#pragma once

#include <chrono>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "common/errors.h"
#include "common/time.h"

namespace gb {

// The longest duration or time any input may give: no run, trace, timeout, latency budget or idle
// measurement is longer than 30 days, so anything above it is a typo or a unit slip. The bound is
// also ~3500 times below int64 nanoseconds' limit (292 years), so sums of a few such values (an
// arrival plus a timeout, a trace's gaps) cannot overflow Nanos.
inline constexpr Nanos kMaxDuration = std::chrono::hours(24 * 30);

// A well-formed number outside its range. A UsageError like any other; its own type lets a caller
// that rewords syntax errors (a trace reader, say) pass the range message through unchanged.
class OutOfRangeError : public UsageError {
 public:
  using UsageError::UsageError;
};

// Throws OutOfRangeError "WHAT: 'TEXT' is out of range (RANGE)". RANGE is a phrase such as
// "0 to 30 days"; prefer the checks below, which write it.
[[noreturn]] void throw_out_of_range(std::string_view what, std::string_view text,
                                     std::string_view range);

// "250ms", "1s", "1.5s", "500us", "100ns", "2m". A bare number is rejected: units are mandatory so
// that "timeout=250" can never silently mean 250 ns or 250 s. The value must lie in 0 to
// kMaxDuration; `what` names it in the out-of-range message ("timeout: '1e30s' is out of range (0
// to 30 days)"), while syntax errors name the text ("duration '250' needs a unit").
Nanos parse_duration(std::string_view text, std::string_view what = "duration");

// Seconds given as a plain number (a TOML value, a trace line, a CLI option) as Nanos, with the
// same range and message as parse_duration. `text` is what the user wrote; empty prints `seconds`.
// Use this, not from_seconds, for every untrusted number: from_seconds of NaN or 1e30 is undefined.
Nanos seconds_to_nanos(double seconds, std::string_view what, std::string_view text = {});

// A plain number of seconds ("0.125", "1e3"), for the places whose unit is fixed by the format (a
// trace line). Same range and messages as seconds_to_nanos.
Nanos parse_seconds(std::string_view text, std::string_view what);

// An option that says seconds: a plain number of seconds ("5", "0.5") or a duration with its unit
// ("500ms", "5s"), with parse_duration's range and messages.
Nanos parse_seconds_or_duration(std::string_view text, std::string_view what);

// Formats a duration exactly, in the largest unit that divides it: "250ms", "1500ms", "80us",
// "1000000100ns"; parse_duration(format_duration(d)) == d for every d.
std::string format_duration(Nanos d);

int64_t parse_int(std::string_view text, std::string_view what);

// A finite number: NaN, infinities and values that overflow a double are "not a number".
double parse_double(std::string_view text, std::string_view what);

// A number in lo..hi, checked as check_range does. Unlike parse_double, NaN, infinities and
// overflow are out of range rather than "not a number", so they read as they do from a TOML file.
double parse_double_in(std::string_view text, std::string_view what, double lo, double hi,
                       std::string_view unit);

// Returns v when lo <= v <= hi, else throws OutOfRangeError with RANGE "LO to HI UNIT" (numbers as
// %g; `unit` may go on to say why, e.g. "requests/s: 8192 requests must arrive within 30 days").
// NaN is never in range. `text` is what the user wrote; empty prints v.
double check_range(double v, std::string_view what, double lo, double hi, std::string_view unit,
                   std::string_view text = {});

// Returns v when lo <= v <= hi, else throws OutOfRangeError with RANGE "LO to HI" ("LO or more"
// when hi is the largest int64): the check for counts (requests, batches) from any input.
std::size_t check_count(int64_t v, std::string_view what, int64_t lo,
                        int64_t hi = std::numeric_limits<int64_t>::max());

std::vector<std::string> split(std::string_view text, char sep);
std::string_view trim(std::string_view text);

}  // namespace gb
