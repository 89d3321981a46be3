// Small pieces of the outside world every module needs the same way: writing a file so that it is
// either complete or absent, and the wall-clock time stamped on results.
#pragma once

#include <string>

namespace gb {

// Writes `text` to `path` through a temporary sibling that is flushed and renamed into place, so a
// crash never leaves a half-written file that looks complete. Throws RunError naming the file.
void write_file_atomically(const std::string& path, const std::string& text);

// Now, in UTC, as 2026-11-24T09:21:49Z.
std::string utc_now();

}  // namespace gb
