#include "common/files.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>

#include "common/errors.h"

namespace gb {
namespace fs = std::filesystem;
namespace {

// fsync of a file or folder by name. A folder must be synced for a rename in it to be durable.
void sync_path(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  const bool ok = fd >= 0 && ::fsync(fd) == 0;
  const int err = errno;
  if (fd >= 0) ::close(fd);
  if (!ok) throw RunError("cannot sync " + path + " to disk: " + std::strerror(err));
}

}  // namespace

void write_file_atomically(const std::string& path, const std::function<void(std::ostream&)>& write,
                           AtomicWrite how) {
  const std::string tmp = path + ".tmp-" + std::to_string(::getpid());
  std::error_code ec;
  try {
    if (how.append && fs::exists(path)) {
      fs::copy_file(path, tmp, fs::copy_options::overwrite_existing, ec);
      if (ec) throw RunError("cannot copy " + path + ": " + ec.message());
    }
    {
      std::ofstream out(tmp, how.append ? std::ios::app : std::ios::trunc);
      if (!out) throw RunError("cannot write " + tmp + ": " + std::strerror(errno));
      write(out);
      out.flush();
      if (!out) throw RunError("write failed for " + tmp + ": " + std::strerror(errno));
    }
    if (how.fsync) sync_path(tmp);
    fs::rename(tmp, path, ec);
    if (ec) throw RunError("cannot rename " + tmp + " to " + path + ": " + ec.message());
  } catch (...) {
    fs::remove(tmp, ec);
    throw;
  }
  if (how.fsync) {
    const fs::path folder = fs::absolute(path).parent_path();
    sync_path(folder.string());
  }
}

std::string read_bounded_file(const std::string& path, std::uintmax_t max_bytes) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) throw UsageError("'" + path + "' cannot be read: a folder");
  if (fs::exists(path, ec) && !fs::is_regular_file(path, ec)) {
    throw UsageError("'" + path + "' cannot be read: not a regular file");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw UsageError("'" + path + "' cannot be read: " + std::strerror(errno));
  const auto too_large = [&] {
    return UsageError("'" + path + "' is larger than the limit of " + std::to_string(max_bytes) +
                      " bytes");
  };
  // A regular file's size is known up front; anything else is bounded while it is read.
  const std::uintmax_t size = fs::file_size(path, ec);
  if (!ec && size > max_bytes) throw too_large();
  std::string text;
  if (!ec) text.reserve(static_cast<std::size_t>(size));
  char buf[1 << 16];
  while (in) {
    in.read(buf, sizeof buf);
    const std::streamsize got = in.gcount();
    if (got <= 0) break;
    if (text.size() + static_cast<std::uintmax_t>(got) > max_bytes) throw too_large();
    text.append(buf, static_cast<std::size_t>(got));
  }
  if (in.bad()) throw UsageError("'" + path + "' cannot be read: " + std::strerror(errno));
  return text;
}

void check_json_depth(std::string_view text, std::size_t max_depth, const std::string& name) {
  std::size_t depth = 0;
  bool in_string = false;
  bool escaped = false;
  for (const char c : text) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > max_depth) {
        throw UsageError(name + " nests deeper than " + std::to_string(max_depth) + " levels");
      }
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
}

void write_file_atomically(const std::string& path, const std::string& text, AtomicWrite how) {
  write_file_atomically(
      path, [&](std::ostream& out) { out << text; }, how);
}

std::string utc_now() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

void check_link_stays_inside(const std::string& entry, const std::string& folder) {
  std::error_code ec;
  if (!fs::is_symlink(entry, ec)) return;
  const fs::path target = fs::weakly_canonical(entry, ec);
  const fs::path root = fs::weakly_canonical(folder, ec);
  const auto rel = target.lexically_relative(root);
  if (ec || rel.empty() || *rel.begin() == "..") {
    throw UsageError("'" + entry + "' is a symbolic link to '" + target.string() + "', outside '" +
                     folder + "'; greenbatch reads only inside a results folder");
  }
}

std::string host_name() {
  char host[256] = {};
  if (gethostname(host, sizeof host - 1) != 0) return "?";
  return host;
}

int lock_for_writing(const std::string& lock_path, const std::string& what, LockHint hint,
                     bool wait) {
  const int fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    throw UsageError("cannot create the lock file '" + lock_path + "': " + std::strerror(errno));
  }
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int err = errno;
    if (err != EWOULDBLOCK) {
      ::close(fd);
      throw UsageError("cannot lock '" + lock_path + "' (flock: " + std::strerror(err) +
                       "); on NFS or Lustre see docs/results.md, 'Locking'");
    }
    char buf[512] = {};
    const ssize_t n = ::pread(fd, buf, sizeof buf - 1, 0);
    std::string holder = n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : "";
    while (!holder.empty() && (holder.back() == '\n' || holder.back() == ' ')) holder.pop_back();
    if (holder.empty()) holder = "another process";
    if (!wait) {
      ::close(fd);
      throw UsageError("'" + what + "' is being written by " + holder + " (lock '" + lock_path +
                       "'); wait for it to finish" +
                       (hint == LockHint::kWait ? ", or add --wait" : ""));
    }
    int rc = 0;
    while ((rc = ::flock(fd, LOCK_EX)) != 0 && errno == EINTR) {
    }
    if (rc != 0) {
      const int e = errno;
      ::close(fd);
      throw UsageError("cannot lock '" + lock_path + "': " + std::strerror(e));
    }
  }
  const std::string me = "host " + host_name() + " pid " + std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, me.data(), me.size(), 0) < 0) {
    // The holder's name is a courtesy for the next writer; the lock itself is held.
  }
  return fd;
}

void release_writing_lock(int fd) {
  if (fd < 0) return;
  if (::ftruncate(fd, 0) != 0) {
    // Only the courtesy text stays behind.
  }
  ::close(fd);
}

}  // namespace gb
