#include "serving/server_url.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <netdb.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include "common/errors.h"
#include "common/parse.h"

namespace gb {
namespace {

std::string address_text(const sockaddr* a) {
  char buf[INET6_ADDRSTRLEN] = {0};
  if (a->sa_family == AF_INET) {
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(a)->sin_addr, buf, sizeof buf);
  } else if (a->sa_family == AF_INET6) {
    inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(a)->sin6_addr, buf, sizeof buf);
  }
  return buf;
}

bool loopback(const std::string& address) {
  return address.rfind("127.", 0) == 0 || address == "::1" || address.rfind("::ffff:127.", 0) == 0;
}

// The socket inodes listening on `port`, from /proc/net/tcp and tcp6 (state 0A is LISTEN).
std::vector<std::string> listening_inodes(int port) {
  std::vector<std::string> inodes;
  for (const char* file : {"/proc/net/tcp", "/proc/net/tcp6"}) {
    std::ifstream in(file);
    std::string line;
    std::getline(in, line);  // the header
    while (std::getline(in, line)) {
      std::istringstream f(line);
      std::string slot, local, remote, state, queues, timer, retr, uid, timeout, inode;
      if (!(f >> slot >> local >> remote >> state >> queues >> timer >> retr >> uid >> timeout >>
            inode)) {
        continue;
      }
      const auto colon = local.rfind(':');
      if (state != "0A" || colon == std::string::npos) continue;
      if (std::stoi(local.substr(colon + 1), nullptr, 16) == port) inodes.push_back(inode);
    }
  }
  return inodes;
}

}  // namespace

ServerUrl ServerUrl::parse(std::string_view text) {
  ServerUrl u;
  u.text = std::string(text);
  const std::string form = " (the form is http://HOST[:PORT][/PREFIX], e.g. http://127.0.0.1:8000)";
  if (text.rfind("https://", 0) == 0) {
    throw UsageError("--url " + u.text +
                     ": https is not supported: a load measures the server, and TLS would add "
                     "its own cost; use the server's plain HTTP port");
  }
  if (text.rfind("http://", 0) != 0)
    throw UsageError("--url '" + u.text + "' is not an http:// URL" + form);
  std::string_view rest = text.substr(7);
  const auto slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  if (slash != std::string_view::npos) {
    std::string_view path = rest.substr(slash);
    while (!path.empty() && path.back() == '/') path.remove_suffix(1);
    u.prefix = std::string(path);
  }
  std::string_view port;
  if (!authority.empty() && authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string_view::npos)
      throw UsageError("--url '" + u.text + "': unclosed '['" + form);
    u.host = std::string(authority.substr(1, close - 1));
    authority.remove_prefix(close + 1);
    if (!authority.empty()) {
      if (authority.front() != ':') throw UsageError("--url '" + u.text + "'" + form);
      port = authority.substr(1);
    }
  } else {
    const auto colon = authority.find(':');
    u.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) port = authority.substr(colon + 1);
  }
  if (u.host.empty() || u.host.find_first_of("@?#") != std::string::npos ||
      u.prefix.find_first_of("?# ") != std::string::npos) {
    throw UsageError("--url '" + u.text + "' names no host" + form);
  }
  if (!port.empty())
    u.port = static_cast<int>(check_count(parse_int(port, "--url port"), "--url port", 1, 65535));
  return u;
}

bool is_this_machine(const std::string& host, std::string* why) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (getaddrinfo(host.c_str(), nullptr, &hints, &found) != 0 || !found) {
    *why = "'" + host + "' does not resolve here";
    return false;
  }
  std::vector<std::string> addresses;
  for (addrinfo* a = found; a; a = a->ai_next) addresses.push_back(address_text(a->ai_addr));
  freeaddrinfo(found);
  for (const std::string& a : addresses) {
    if (loopback(a)) {
      *why = (host == a ? host : host + " is " + a) + ", the loopback interface";
      return true;
    }
  }
  ifaddrs* ifs = nullptr;
  if (getifaddrs(&ifs) == 0) {
    for (ifaddrs* i = ifs; i; i = i->ifa_next) {
      if (!i->ifa_addr) continue;
      const std::string mine = address_text(i->ifa_addr);
      for (const std::string& a : addresses) {
        if (!mine.empty() && a == mine) {
          *why = (host == a ? host : host + " is " + a) + ", an address of this machine's " +
                 i->ifa_name;
          freeifaddrs(ifs);
          return true;
        }
      }
    }
    freeifaddrs(ifs);
  }
  *why = host + " (" + addresses.front() + ") is not an address of this machine";
  return false;
}

std::optional<int> process_listening_on(int port) {
  namespace fs = std::filesystem;
  const std::vector<std::string> inodes = listening_inodes(port);
  if (inodes.empty()) return std::nullopt;
  std::error_code ec;
  for (const auto& proc : fs::directory_iterator("/proc", ec)) {
    const std::string pid = proc.path().filename();
    if (pid.find_first_not_of("0123456789") != std::string::npos) continue;
    try {  // processes come and go while this reads, and others' fds are not ours to see
      for (const auto& fd : fs::directory_iterator(proc.path() / "fd")) {
        const std::string target = fs::read_symlink(fd.path(), ec).string();
        for (const std::string& inode : inodes) {
          if (target == "socket:[" + inode + "]") return std::stoi(pid);
        }
      }
    } catch (const fs::filesystem_error&) {
    }
  }
  return std::nullopt;
}

}  // namespace gb
