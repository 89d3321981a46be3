// Small pieces of the outside world every module needs the same way: writing a file so that it is
// either complete or absent, reading one of bounded size, and the wall-clock time stamped on
// results.
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

#include <cstdint>
#include <functional>
#include <iosfwd>
#include <string>
#include <string_view>

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

// The whole of a file a user names (a profile, a results document, an image), read only if it
// holds at most `max_bytes`: the bound is checked while reading, so a FIFO or /dev/zero is refused
// as well as a large file. UsageError naming the file when it is missing, a folder, unreadable or
// too large ("'PATH' is larger than the limit of N bytes"); callers prefix what the file is.
// Anything but a regular file (a device, a FIFO, which would block) is refused before it is opened.
std::string read_bounded_file(const std::string& path, std::uintmax_t max_bytes);

// For a folder someone else made: UsageError when `entry` (inside `folder`) is a symbolic link
// whose target lies outside `folder`, so that reading it cannot reach /etc or a device.
void check_link_stays_inside(const std::string& entry, const std::string& folder);

// The deepest nesting of '[' and '{' in JSON text, outside strings (escapes honoured), found
// without parsing. UsageError "`name` nests deeper than `max_depth` levels" when it exceeds
// `max_depth`, so that a parser and the code that walks its result never recurse that deep.
inline constexpr std::size_t kMaxJsonDepth = 64;
void check_json_depth(std::string_view text, std::size_t max_depth, const std::string& name);

// This machine's host name (gethostname), "?" when it cannot say.
std::string host_name();

// Now, in UTC, as 2026-11-24T09:21:49Z.
std::string utc_now();

// One writer at a time: an exclusive flock() on `lock_path`, whose text then names the holder
// ("host H pid P"). Held by another process: UsageError "'WHAT' is being written by host H pid P"
// (with `hint` kWait: ", or add --wait"), or with `wait` blocks until it is free. Returns the file
// descriptor to pass to release_writing_lock(). flock on NFS and Lustre: docs/results.md.
enum class LockHint { kNone, kWait };
int lock_for_writing(const std::string& lock_path, const std::string& what, LockHint hint,
                     bool wait);
void release_writing_lock(int fd);

}  // namespace gb
