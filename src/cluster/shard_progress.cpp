#include "cluster/shard_progress.h"

#include <fmt/format.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "common/errors.h"
#include "common/files.h"

namespace gb {
namespace {

constexpr char kFormat[] = "greenbatch-progress/1";

std::string this_host() {
  char name[256] = {};
  if (::gethostname(name, sizeof name - 1) != 0) return "unknown";
  return name;
}

// "noop fixed:8 paper 32/s, rep 2": what a person recognises of a configuration.
std::string label(const Configuration& c) {
  const RunSpec& s = c.spec;
  std::string out = s.model.name + " " + s.policy.canonical() + " " + s.arrival.name();
  if (s.arrival.needs_rate()) out += fmt::format(" {:g}/s", s.rate_hz);
  if (c.repetition > 0) out += fmt::format(", rep {}", c.repetition + 1);
  return out;
}

}  // namespace

std::string progress_path(const std::string& store) {
  const std::string suffix = ".sqlite";
  const bool has = store.size() >= suffix.size() &&
                   store.compare(store.size() - suffix.size(), suffix.size(), suffix) == 0;
  return (has ? store.substr(0, store.size() - suffix.size()) : store) + ".progress.json";
}

ShardProgress read_progress(const std::string& path) {
  const std::string text = read_bounded_file(path, 16 * 1024);
  check_json_depth(text, kMaxJsonDepth, "'" + path + "'");
  const auto doc = nlohmann::ordered_json::parse(text, nullptr, false);
  const auto bad = [&](const std::string& why) {
    return UsageError("'" + path + "' is not a greenbatch progress file: " + why);
  };
  if (!doc.is_object() || doc.value("format", nlohmann::ordered_json()) != kFormat) {
    throw bad(fmt::format("no \"format\": \"{}\"", kFormat));
  }
  const auto field = [&](const char* key) -> const nlohmann::ordered_json& {
    const auto it = doc.find(key);
    if (it == doc.end()) throw bad(fmt::format("no \"{}\"", key));
    return *it;
  };
  const auto text_field = [&](const char* key) {
    const auto& v = field(key);
    if (!v.is_string() || v.get<std::string>().size() > 1024) {
      throw bad(fmt::format("\"{}\" is not a text of at most 1024 characters", key));
    }
    return v.get<std::string>();
  };
  const auto count = [&](const char* key, std::uint64_t max) {
    const auto& v = field(key);
    if (!v.is_number_unsigned() || v.get<std::uint64_t>() > max) {
      throw bad(fmt::format("\"{}\" is not a whole number from 0 to {}", key, max));
    }
    return static_cast<std::size_t>(v.get<std::uint64_t>());
  };
  ShardProgress p;
  p.experiment = text_field("experiment");
  p.shards = count("shards", 1000000);
  p.shard = count("shard", 1000000);
  p.total = count("total", 100000000);
  p.done = count("done", 100000000);
  if (p.shards < 1 || p.shard >= p.shards) throw bad("\"shard\" is not below \"shards\"");
  if (p.done > p.total) throw bad("\"done\" is more than \"total\"");
  p.running = text_field("running");
  if (!field("complete").is_boolean()) throw bad("\"complete\" is not true or false");
  p.complete = field("complete").get<bool>();
  p.host = text_field("host");
  p.pid = static_cast<long>(count("pid", 1u << 30));
  p.updated_utc = text_field("updated");
  return p;
}

ProgressFile::ProgressFile(std::string path, ShardProgress start, CampaignOptions& options)
    : path_(std::move(path)), p_(std::move(start)) {
  p_.host = this_host();
  p_.pid = static_cast<long>(::getpid());
  write();
  auto on_start = options.on_start;
  options.on_start = [this, on_start](std::size_t k, std::size_t total, const Configuration& c) {
    if (on_start) on_start(k, total, c);
    p_.running = label(c);
    write();
  };
  auto on_done = options.on_done;
  options.on_done = [this, on_done](const Configuration& c, const RunSummary& run, double seconds) {
    if (on_done) on_done(c, run, seconds);
    if (p_.done < p_.total) ++p_.done;
    p_.running.clear();
    write();
  };
}

void ProgressFile::finish() {
  p_.done = p_.total;
  p_.running.clear();
  p_.complete = true;
  write();
}

void ProgressFile::write() {
  p_.updated_utc = utc_now();
  const auto fit = [](const std::string& t) {
    return t.substr(0, 1024);
  };  // as read_progress reads
  const nlohmann::ordered_json doc = {{"format", kFormat},
                                      {"experiment", fit(p_.experiment)},
                                      {"shard", p_.shard},
                                      {"shards", p_.shards},
                                      {"done", p_.done},
                                      {"total", p_.total},
                                      {"running", fit(p_.running)},
                                      {"complete", p_.complete},
                                      {"host", fit(p_.host)},
                                      {"pid", p_.pid},
                                      {"updated", p_.updated_utc}};
  // The store, not this file, is the record: a progress file that cannot be written (a full
  // disk, which the store's next save reports anyway) must not stop the sweep.
  try {
    write_file_atomically(
        path_, doc.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n");
  } catch (const std::exception&) {
  }
}

}  // namespace gb
