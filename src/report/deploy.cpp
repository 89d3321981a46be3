#include "report/deploy.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>
#include <stdexcept>

#include "common/errors.h"
#include "common/parse.h"

namespace gb {
namespace {

using std::chrono::microseconds;
using std::chrono::milliseconds;

Nanos ceil_to(Nanos d, Nanos unit) { return (d + unit - Nanos(1)) / unit * unit; }

// A duration from the results (hostile) or the budget, as a whole `unit` of at least `floor`;
// none when it is not a duration at all.
std::optional<Nanos> whole(double seconds, Nanos unit, Nanos floor) {
  if (!(seconds >= 0) || seconds > to_seconds(kMaxDuration) / 2) return std::nullopt;
  return std::max(floor, ceil_to(seconds_to_nanos(seconds, "delay"), unit));
}

std::string sizes(const std::vector<std::size_t>& v) {
  std::string s;
  for (std::size_t n : v) s += (s.empty() ? "" : "|") + std::to_string(n);
  return s;
}

PolicySpec triton(std::size_t max, std::vector<std::size_t> preferred, Nanos delay) {
  if (preferred.empty()) preferred = {max};
  return PolicySpec::parse(fmt::format("triton:max={},preferred={},delay={}", max, sizes(preferred),
                                       format_duration(ceil_to(delay, microseconds(1)))));
}

PolicySpec torchserve(std::size_t batch, Nanos delay) {
  return PolicySpec::parse(fmt::format("torchserve:batch={},delay={}", batch,
                                       format_duration(ceil_to(delay, milliseconds(1)))));
}

// The delay that makes a server's rule form fixed:N's batches on the measured workload: at
// least the longest queue wait of the run (a whole ms), so the delay never ran out there; half
// the budget when the results do not hold that wait.
std::pair<Nanos, std::string> fixed_delay(const MeasuredRun& run) {
  if (run.max_queue_wait_s) {
    if (auto d = whole(*run.max_queue_wait_s, milliseconds(1), milliseconds(1))) {
      return {*d, fmt::format("a delay of {}, the measured run's longest queue wait rounded up, "
                              "forms the same batches on that workload and bounds the wait "
                              "under lighter traffic",
                              format_duration(*d))};
    }
  }
  const Nanos d = whole(run.slo_s / 2, milliseconds(1), milliseconds(1)).value_or(milliseconds(1));
  return {d, fmt::format("the results do not hold the run's longest queue wait; the delay is "
                         "half the budget ({})",
                         format_duration(d))};
}

Equivalent to_triton(const PolicySpec& p, const MeasuredRun& run) {
  using K = PolicySpec::Kind;
  Equivalent e{Server::kTriton, p, false, false, "", ""};
  const std::size_t m = p.max_batch();
  switch (p.kind) {
    case K::kTriton:
      e.policy = triton(m, p.preferred, p.delay);
      e.exact = e.policy.delay == p.delay;
      e.why = e.exact ? "the same settings" : "Triton's delay is in whole microseconds: rounded up";
      return e;
    case K::kGreedy:
      e.policy = triton(m, {}, Nanos(0));
      e.exact = true;
      e.why = "with delay 0 and no smaller preferred size Triton sends what is queued, up to max";
      return e;
    case K::kFixed:
      if (p.timeout) {
        e.policy = triton(m, {}, *p.timeout);
        e.exact = e.policy.delay == *p.timeout;
        e.why = e.exact ? "N queued, or the oldest has waited the timeout: Triton's rule with "
                          "preferred size N (greenbatch's fixed also flushes the last partial "
                          "batch of a finite stream, which a server never sees)"
                        : "Triton's delay is in whole microseconds: rounded up";
        return e;
      }
      {
        const auto [d, how] = fixed_delay(run);
        e.policy = triton(m, {}, d);
        e.why = "fixed:N never sends a partial batch, Triton's delay always does; " + how;
      }
      return e;
    case K::kTorchServe:
      if (p.delay.count() == 0) {
        e.policy = triton(std::min<std::size_t>(m, 2), {}, Nanos(0));
        e.exact = true;
        e.why =
            "TorchServe with max_batch_delay 0 sends at most two, as Triton with max 2 and "
            "delay 0";
        return e;
      }
      e.policy = triton(m, {}, p.delay);
      e.why =
          "Triton counts the delay from the oldest request's arrival, TorchServe from when "
          "the free worker took its first request";
      return e;
    case K::kAimd:
      e.search = true;
      e.policy = triton(m, {}, Nanos(0));
      e.why = "Triton's batch size does not adapt";
      e.fallback = "aimd never waits, so greedy up to its max";
      return e;
    case K::kSlo:
    case K::kOffline:
      e.search = true;
      e.policy = triton(m, {}, p.budget / 2);
      e.why = std::string(p.kind_name()) +
              ":T plans with the model's batch costs, which Triton does not know";
      e.fallback = "delay T/2, the best baseline in most cases of docs/policies.md";
      return e;
  }
  throw std::logic_error("unknown policy kind");
}

Equivalent to_torchserve(const PolicySpec& p, const MeasuredRun& run) {
  using K = PolicySpec::Kind;
  Equivalent e{Server::kTorchServe, p, false, false, "", ""};
  const std::size_t m = p.max_batch();
  const bool never_waits =
      p.kind == K::kGreedy || p.kind == K::kFixed || p.kind == K::kTriton || p.kind == K::kAimd;
  if (m == 1 && never_waits) {
    e.policy = torchserve(1, Nanos(0));
    e.exact = true;
    e.why = "batches of one, sent as soon as the model is free";
    return e;
  }
  const std::string from_pick =
      "TorchServe counts its delay from when the free worker took the first request, not from "
      "the oldest request's arrival";
  switch (p.kind) {
    case K::kTorchServe:
      e.exact = true;
      e.why = "the same settings";
      return e;
    case K::kGreedy:
      e.policy = torchserve(m, milliseconds(1));
      e.why =
          "TorchServe waits max_batch_delay for more requests (and with 0 sends at most two); "
          "1 ms is the shortest wait that still takes the whole queue";
      return e;
    case K::kFixed:
      if (p.timeout) {
        e.policy = torchserve(m, std::max<Nanos>(*p.timeout, milliseconds(1)));
        e.why = from_pick +
                ", so a request that queued while the model was busy may wait longer "
                "than the timeout";
        return e;
      }
      {
        const auto [d, how] = fixed_delay(run);
        e.policy = torchserve(m, d);
        e.why = "fixed:N never sends a partial batch, TorchServe's delay always does; " + how;
      }
      return e;
    case K::kTriton:
      e.policy = torchserve(m, std::max<Nanos>(p.delay, milliseconds(1)));
      e.why = from_pick + ", and TorchServe has no preferred sizes";
      return e;
    case K::kAimd:
      e.search = true;
      e.policy = torchserve(m, milliseconds(1));
      e.why = "TorchServe's batch size does not adapt";
      e.fallback = "aimd never waits, so the shortest delay";
      return e;
    case K::kSlo:
    case K::kOffline:
      e.search = true;
      e.policy = torchserve(m, std::max<Nanos>(p.budget / 2, milliseconds(1)));
      e.why = std::string(p.kind_name()) +
              ":T plans with the model's batch costs, which TorchServe does not know";
      e.fallback = "delay T/2";
      return e;
  }
  throw std::logic_error("unknown policy kind");
}

Equivalent to_serve(const PolicySpec& p, const MeasuredRun& run) {
  Equivalent e{Server::kServe, p, true, false, "the same policy", ""};
  if (p.kind == PolicySpec::Kind::kOffline) {
    e.policy =
        PolicySpec::parse(fmt::format("slo:{},max={}", format_duration(p.budget), p.max_batch()));
    e.exact = false;
    e.why =
        "offline:T plans with the whole stream ahead, which a server never has; slo:T is "
        "the online policy for the same budget";
  } else if (p.kind == PolicySpec::Kind::kFixed && !p.timeout) {
    const auto [d, how] = fixed_delay(run);
    e.policy = PolicySpec::parse(fmt::format("fixed:{},timeout={}", p.size, format_duration(d)));
    e.exact = false;
    e.why =
        "serve refuses fixed:N without a timeout (under lighter traffic it would never send a "
        "partial batch); " +
        how;
  }
  return e;
}

}  // namespace

const char* server_label(Server s) {
  switch (s) {
    case Server::kTriton:
      return "Triton";
    case Server::kTorchServe:
      return "TorchServe";
    case Server::kServe:
      return "greenbatch serve";
  }
  return "?";
}

Equivalent translate(Server server, const PolicySpec& recommended, const MeasuredRun& run) {
  switch (server) {
    case Server::kTriton:
      return to_triton(recommended, run);
    case Server::kTorchServe:
      return to_torchserve(recommended, run);
    case Server::kServe:
      return to_serve(recommended, run);
  }
  throw std::logic_error("unknown server");
}

std::vector<PolicySpec> candidates(Server server, std::size_t max_batch, double slo_s) {
  std::vector<PolicySpec> out;
  if (server == Server::kServe) return out;
  const Nanos unit = server == Server::kTriton ? Nanos(microseconds(1)) : Nanos(milliseconds(1));
  const Nanos first = server == Server::kTriton ? Nanos(0) : Nanos(milliseconds(1));
  std::set<Nanos> delays = {first};
  for (double f : {0.125, 0.25, 0.5, 0.75}) {
    if (auto d = whole(slo_s * f, unit, first)) delays.insert(*d);
  }
  std::set<std::string> seen;
  for (std::size_t b = 1;; b *= 2) {
    const std::size_t size = std::min(b, std::max<std::size_t>(max_batch, 1));
    for (Nanos d : delays) {
      PolicySpec p = server == Server::kTriton ? triton(size, {}, d) : torchserve(size, d);
      if (seen.insert(p.canonical()).second) out.push_back(std::move(p));
    }
    if (size >= max_batch) break;
  }
  return out;
}

long long triton_delay_us(const PolicySpec& spec) {
  return static_cast<long long>(ceil_to(spec.delay, microseconds(1)) / microseconds(1));
}

long long torchserve_delay_ms(const PolicySpec& spec) {
  return static_cast<long long>(ceil_to(spec.delay, milliseconds(1)) / milliseconds(1));
}

std::vector<std::size_t> triton_preferred(const PolicySpec& spec) {
  return spec.preferred.empty() ? std::vector<std::size_t>{spec.size} : spec.preferred;
}

}  // namespace gb
