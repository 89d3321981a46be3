// Small pieces of the outside world every module needs the same way: writing a file so that it is
// either complete or absent, and the wall-clock time stamped on results.
//
// Contract of the atomic writes:
// - The new content goes to a temporary sibling, PATH.tmp-PID (the pid keeps two processes that
//   write the same file from sharing one temporary), which is flushed and then renamed over PATH.
//   Readers see the old file or the new one, never a half-written one, whatever interrupts it.
// - `append` seeds the temporary with a copy of the current file, so an append is atomic too (at
//   the price of copying the file; result folders are small next to their runs).
// - `fsync` also puts the data and the rename on the disk before returning (survives power loss).
//   Off by default: the files written this way can be rewritten from what produced them.
// - Every failure is a RunError naming the file; the temporary is removed.
#pragma once

#include <functional>
#include <iosfwd>
#include <string>

namespace gb {

struct AtomicWrite {
  bool append = false;  // start from a copy of the current file (if any) and write after it
  bool fsync = false;   // durable before return: fsync the file, then its folder after the rename
};

// `write` fills the temporary through the stream it is given; it may be called with a large trace,
// so it streams rather than building one string.
void write_file_atomically(const std::string& path, const std::function<void(std::ostream&)>& write,
                           AtomicWrite how = {});
void write_file_atomically(const std::string& path, const std::string& text, AtomicWrite how = {});

// Now, in UTC, as 2026-11-24T09:21:49Z.
std::string utc_now();

}  // namespace gb
