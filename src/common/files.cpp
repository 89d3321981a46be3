#include "common/files.h"

#include <fcntl.h>
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

}  // namespace gb
