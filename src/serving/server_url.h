// Where `greenbatch load` sends requests: an http:// URL parsed once, and what this machine can
// say about the server behind it (whether it runs here, so that this machine's meters measure
// it, and which process listens on its port, for the CPU estimate of that process).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace gb {

struct ServerUrl {
  std::string text;  // as given
  std::string host;  // without brackets for IPv6
  int port = 80;
  std::string prefix;  // path before /v2 ("" or "/something"), no trailing slash

  // UsageError naming the form (http://HOST[:PORT][/PREFIX]) for anything else; https is refused
  // with its reason (the load measures the server, not TLS).
  static ServerUrl parse(std::string_view text);
  std::string path(std::string_view rest) const { return prefix + std::string(rest); }
};

// Whether `host` is this machine: a loopback name or address, or an address of one of its
// interfaces (names are resolved). `why` says how it was decided, for the record.
bool is_this_machine(const std::string& host, std::string* why);

// The process of this machine listening on TCP `port` (any address), when /proc shows it to this
// user; nullopt otherwise (another user's process, another network namespace).
std::optional<int> process_listening_on(int port);

}  // namespace gb
