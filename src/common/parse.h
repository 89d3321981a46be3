// Parsing of the small value syntaxes shared by the CLI, policy strings and experiment files.
// Every function throws UsageError with a message that names the offending text.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/time.h"

namespace gb {

// "250ms", "1s", "1.5s", "500us", "100ns", "2m". A bare number is rejected: units are mandatory so
// that "timeout=250" can never silently mean 250 ns or 250 s.
Nanos parse_duration(std::string_view text);

// Formats a duration with the largest unit that keeps it readable: "250ms", "1.5s", "80us".
std::string format_duration(Nanos d);

int64_t parse_int(std::string_view text, std::string_view what);
double parse_double(std::string_view text, std::string_view what);

std::vector<std::string> split(std::string_view text, char sep);
std::string_view trim(std::string_view text);

}  // namespace gb
