#include "workload/arrivals.h"

#include <cctype>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <random>

#include "common/errors.h"
#include "common/parse.h"

namespace gb {

namespace {

[[noreturn]] void bad_bursty(std::string_view spec, const std::string& why) {
  throw UsageError("arrival '" + std::string(spec) + "': " + why);
}

void parse_bursty(std::string_view text, ArrivalSpec& spec) {
  const auto colon = text.find(':');
  if (colon == std::string_view::npos) return;
  bool on = false, off = false;
  for (const std::string& part : split(text.substr(colon + 1), ',')) {
    const auto eq = part.find('=');
    if (eq == std::string::npos) bad_bursty(text, "'" + part + "' should be KEY=VALUE");
    const std::string key(trim(std::string_view(part).substr(0, eq)));
    const std::string value(trim(std::string_view(part).substr(eq + 1)));
    if (key == "on" || key == "off") {
      double r = 0;
      try {
        r = parse_double_in(value, key, 0, kMaxRateHz, "requests/s");
      } catch (const OutOfRangeError& e) {
        bad_bursty(text, e.what());
      } catch (const UsageError&) {
        bad_bursty(text, key + " '" + value + "' is not a number of requests/s");
      }
      (key == "on" ? spec.on_rate_hz : spec.off_rate_hz) = r;
      (key == "on" ? on : off) = true;
    } else if (key == "on_time" || key == "off_time") {
      double t = 0;
      try {
        t = to_seconds(parse_duration(value, key));
      } catch (const UsageError& e) {
        bad_bursty(text, e.what());
      }
      if (!(t > 0)) bad_bursty(text, key + " must be > 0");
      (key == "on_time" ? spec.on_mean_s : spec.off_mean_s) = t;
    } else {
      bad_bursty(text, "unknown option '" + key + "' (known: on, off, on_time, off_time)");
    }
  }
  if (on != off) bad_bursty(text, "give both on and off rates, or neither");
  if (on && !(spec.on_rate_hz > 0)) bad_bursty(text, "the on rate must be > 0");
}

// Past the > 0 check: NaN, infinities and rates above kMaxRateHz.
void check_rate(double rate_hz) { check_range(rate_hz, "rate", 0, kMaxRateHz, "requests/s"); }

// A trace can hold at most this many arrivals (no run takes more requests: results/run_spec.h's
// kMaxRequests) and lines this long; a file past either is not a trace (or /dev/zero).
constexpr std::size_t kMaxTraceArrivals = 100'000'000;
constexpr std::size_t kMaxTraceLine = 4096;

std::vector<Nanos> read_trace(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    throw UsageError("trace '" + path + "' cannot be read: " +
                     (std::filesystem::exists(path, ec) ? "not a regular file" : "no such file"));
  }
  std::ifstream in(path);
  if (!in) throw UsageError("trace '" + path + "' cannot be read");
  std::vector<Nanos> out;
  std::string line;
  double t = 0;  // seconds: gaps add up in double and round once, so rounding never drifts
  for (int no = 1; std::getline(in, line); ++no) {
    if (line.size() > kMaxTraceLine || out.size() >= kMaxTraceArrivals) {
      throw UsageError("trace '" + path + "' line " + std::to_string(no) +
                       (line.size() > kMaxTraceLine ? ": longer than 4096 characters"
                                                    : ": more than 100000000 arrivals"));
    }
    const std::string_view v = trim(line);
    if (v.empty() || v[0] == '#') continue;
    const std::string where = "trace '" + path + "' line " + std::to_string(no);
    const bool gap = v[0] == '+';
    const std::string_view num = gap ? trim(v.substr(1)) : v;
    Nanos value{0};
    try {
      const bool has_unit = !num.empty() && std::isalpha(static_cast<unsigned char>(num.back()));
      value = has_unit ? parse_duration(num, where) : parse_seconds(num, where);
    } catch (const OutOfRangeError&) {
      throw;
    } catch (const UsageError&) {
      throw UsageError(where + ": '" + std::string(v) + "' is not a time in seconds");
    }
    const double next = gap ? t + to_seconds(value) : to_seconds(value);
    // Every gap is in range on its own; their sum need not be.
    const Nanos at = gap ? seconds_to_nanos(next, where + ": arrival time") : value;
    if (!out.empty() && at < out.back()) {
      throw UsageError(where + ": arrivals must not go back in time");
    }
    t = next;
    out.push_back(at);
  }
  if (out.empty()) throw UsageError("trace '" + path + "' holds no arrivals");
  const Nanos first = out.front();
  for (Nanos& x : out) x -= first;
  return out;
}

// A trace is read once per process: a sweep parses its arrival for every configuration, the
// progress display for its estimate, and a trace may hold millions of lines. Within one greenbatch
// command the file is taken as it was when first read.
std::shared_ptr<const std::vector<Nanos>> trace_of(const std::string& path) {
  static std::mutex mutex;
  static std::map<std::string, std::shared_ptr<const std::vector<Nanos>>> cache;
  std::lock_guard<std::mutex> lock(mutex);
  auto& entry = cache[path];
  if (!entry) {
    try {
      entry = std::make_shared<const std::vector<Nanos>>(read_trace(path));
    } catch (...) {
      cache.erase(path);
      throw;
    }
  }
  return entry;
}

}  // namespace

bool arrival_needs_rate(std::string_view name) {
  if (name == "offline" || name.rfind("trace:", 0) == 0) return false;
  if (name.rfind("bursty:", 0) == 0) return name.find("on=") == std::string_view::npos;
  return true;
}

bool ArrivalSpec::needs_rate() const { return arrival_needs_rate(text); }

ArrivalSpec parse_arrival(std::string_view name, double rate_hz) {
  ArrivalSpec spec;
  spec.text = std::string(name);
  if (name == "paper") {
    spec.kind = ArrivalSpec::Kind::kPaper;
  } else if (name == "constant") {
    spec.kind = ArrivalSpec::Kind::kConstant;
  } else if (name == "poisson") {
    spec.kind = ArrivalSpec::Kind::kPoisson;
  } else if (name == "offline") {
    spec.kind = ArrivalSpec::Kind::kOffline;
  } else if (name == "bursty" || name.rfind("bursty:", 0) == 0) {
    spec.kind = ArrivalSpec::Kind::kBursty;
    parse_bursty(name, spec);
  } else if (name.rfind("trace:", 0) == 0 && name.size() > 6) {
    spec.kind = ArrivalSpec::Kind::kTrace;
    spec.trace_path = std::string(name.substr(6));
    spec.trace = trace_of(spec.trace_path);
  } else {
    throw UsageError("unknown arrival process '" + std::string(name) +
                     "' (known: paper, constant, poisson, offline, bursty, trace:FILE)");
  }
  if (spec.kind == ArrivalSpec::Kind::kBursty && spec.on_rate_hz == 0) {
    if (!(rate_hz > 0) && std::isfinite(rate_hz)) {
      throw UsageError("rate must be > 0 requests/s for arrival 'bursty' (or give on= and off=)");
    }
    check_rate(rate_hz);
    spec.rate_hz = rate_hz;
    spec.on_rate_hz = 2 * rate_hz;
    spec.off_rate_hz = rate_hz / 2;
  }
  if (spec.kind == ArrivalSpec::Kind::kBursty) {
    if (spec.on_mean_s == 0) spec.on_mean_s = 1;
    if (spec.off_mean_s == 0) spec.off_mean_s = 2;
    spec.rate_hz = (spec.on_rate_hz * spec.on_mean_s + spec.off_rate_hz * spec.off_mean_s) /
                   (spec.on_mean_s + spec.off_mean_s);
    return spec;
  }
  if (arrival_needs_rate(name)) {
    if (!(rate_hz > 0) && std::isfinite(rate_hz)) {
      throw UsageError("rate must be > 0 requests/s for arrival '" + std::string(name) + "'");
    }
    check_rate(rate_hz);
    spec.rate_hz = rate_hz;
  }
  return spec;
}

std::vector<Nanos> generate_schedule(const ArrivalSpec& spec, std::size_t count, uint64_t seed) {
  if (spec.kind == ArrivalSpec::Kind::kTrace) {
    const std::vector<Nanos>& trace = *spec.trace;
    if (count > trace.size()) {
      throw UsageError("trace '" + spec.trace_path + "' has " + std::to_string(trace.size()) +
                       " arrivals; " + std::to_string(count) +
                       " requests asked for: ask for at most " + std::to_string(trace.size()));
    }
    return std::vector<Nanos>(trace.begin(), trace.begin() + count);
  }
  std::vector<Nanos> schedule(count, Nanos(0));
  if (spec.kind == ArrivalSpec::Kind::kOffline || count == 0) return schedule;
  // A slow rate or a long request count can push arrivals past kMaxDuration (and past int64 ns);
  // only then is the message built.
  const double max_s = to_seconds(kMaxDuration);
  const auto at = [&](double t, std::size_t i) {
    if (t <= max_s) return Nanos(std::llround(t * 1e9));
    char rate[32];
    std::snprintf(rate, sizeof rate, "%g", spec.rate_hz);
    return seconds_to_nanos(t, "arrival '" + spec.name() + "' at " + rate +
                                   " requests/s: arrival time of request " + std::to_string(i + 1));
  };
  if (spec.kind == ArrivalSpec::Kind::kBursty) {
    std::mt19937_64 rng(seed);
    bool on = true;
    std::exponential_distribution<double> on_len(1 / spec.on_mean_s), off_len(1 / spec.off_mean_s);
    double t = 0, state_end = on_len(rng);
    for (std::size_t i = 1; i < count;) {
      const double rate = on ? spec.on_rate_hz : spec.off_rate_hz;
      const double gap = rate > 0 ? std::exponential_distribution<double>(rate)(rng) : INFINITY;
      if (t + gap <= state_end) {
        t += gap;  // memoryless: a gap cut by a state change is simply redrawn after it
        schedule[i] = at(t, i);
        ++i;
      } else {
        t = state_end;
        at(t, i);  // throws once past the limit, so near-silent periods cannot loop for ever
        on = !on;
        state_end = t + (on ? on_len(rng) : off_len(rng));
      }
    }
    return schedule;
  }
  // A 64-bit Mersenne twister with explicit distributions: libstdc++'s algorithms are fixed, so a
  // seed gives the same schedule on every machine we build on.
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> jitter(0.8, 1.2);
  std::exponential_distribution<double> exponential(spec.rate_hz);
  const double mean_gap = 1.0 / spec.rate_hz;
  double t = 0;  // accumulate in double seconds, round once, so rounding never drifts
  for (std::size_t i = 1; i < count; ++i) {
    switch (spec.kind) {
      case ArrivalSpec::Kind::kPaper:
        t += mean_gap * jitter(rng);
        break;
      case ArrivalSpec::Kind::kConstant:
        t = mean_gap * static_cast<double>(i);
        break;
      case ArrivalSpec::Kind::kPoisson:
        t += exponential(rng);
        break;
      case ArrivalSpec::Kind::kOffline:
      case ArrivalSpec::Kind::kBursty:
      case ArrivalSpec::Kind::kTrace:
        break;
    }
    schedule[i] = at(t, i);
  }
  return schedule;
}

}  // namespace gb
