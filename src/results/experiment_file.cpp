#include "results/experiment_file.h"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <limits>
#include <set>
#include <sstream>

#include "batching/policy.h"
#include "common/errors.h"
#include "common/files.h"
#include "common/parse.h"
#include "results/levers.h"
#include "workload/arrivals.h"

namespace gb {
namespace {

[[noreturn]] void fail(const std::string& origin, const toml::node& node, const std::string& why) {
  throw UsageError(origin + ":" + std::to_string(node.source().begin.line) + ": " + why);
}

struct Reader {
  const std::string& origin;
  const toml::table& table;
  std::string section;

  std::string key_name(const std::string& key) const { return section + "." + key; }

  template <typename T>
  bool get(const std::string& key, T& out, const char* type) const {
    const toml::node* node = table.get(key);
    if (!node) return false;
    if (auto v = node->value<T>()) {
      out = *v;
      return true;
    }
    fail(origin, *node, "'" + key_name(key) + "' must be " + type);
  }

  std::size_t count(const std::string& key, std::size_t fallback, int64_t min,
                    int64_t max = std::numeric_limits<int64_t>::max()) const {
    int64_t v = static_cast<int64_t>(fallback);
    if (const toml::node* node = table.get(key)) {
      if (!node->is_integer()) fail(origin, *node, "'" + key_name(key) + "' must be an integer");
      v = *node->value<int64_t>();
      ranged(*node, [&] { check_count(v, "'" + key_name(key) + "'", min, max); });
    }
    return static_cast<std::size_t>(v);
  }

  // A number in lo..hi (NaN and infinities are not), or `fallback` when the key is absent.
  double number(const std::string& key, double fallback, double lo, double hi,
                const char* unit) const {
    double v = fallback;
    if (get(key, v, "a number")) {
      ranged(*table.get(key), [&] { check_range(v, "'" + key_name(key) + "'", lo, hi, unit); });
    }
    return v;
  }

  // Seconds in 0 to kMaxDuration, as Nanos.
  Nanos seconds(const std::string& key, Nanos fallback) const {
    double v = 0;
    if (!get(key, v, "a number")) return fallback;
    Nanos out{0};
    ranged(*table.get(key), [&] { out = seconds_to_nanos(v, "'" + key_name(key) + "'"); });
    return out;
  }

  // A duration string such as "10ms" in 0 to kMaxDuration, or `fallback` when absent.
  Nanos duration(const std::string& key, Nanos fallback) const {
    std::string text;
    if (!get(key, text, "a duration string such as \"10ms\"")) return fallback;
    Nanos out{0};
    ranged(*table.get(key), [&] { out = parse_duration(text, "'" + key_name(key) + "'"); });
    return out;
  }

  // Runs `check`, giving any UsageError it throws the file and line of `node`.
  template <typename F>
  void ranged(const toml::node& node, F check) const {
    try {
      check();
    } catch (const UsageError& err) {
      fail(origin, node, err.what());
    }
  }

  template <typename T>
  std::vector<T> list(const std::string& key, const char* type) const {
    const toml::node* node = table.get(key);
    if (!node) throw UsageError(origin + ": '" + key_name(key) + "' is missing");
    const toml::array* arr = node->as_array();
    if (!arr) fail(origin, *node, "'" + key_name(key) + "' must be a list of " + type);
    if (arr->empty()) fail(origin, *node, "'" + key_name(key) + "' is an empty list");
    std::vector<T> out;
    for (const toml::node& item : *arr) {
      std::optional<T> v = item.value<T>();
      if (!v) fail(origin, item, "'" + key_name(key) + "' must be a list of " + type);
      out.push_back(*v);
    }
    return out;
  }

  // A lever's value as text from a node of its type (an integer or a string), set into `spec`.
  void set_lever(const Lever& lever, const toml::node& node, const std::string& key, RunSpec& spec,
                 std::string* text = nullptr) const {
    std::string value;
    if (lever.integer && node.is_integer()) {
      value = std::to_string(*node.value<int64_t>());
    } else if (!lever.integer && node.is_string()) {
      value = *node.value<std::string>();
    } else {
      fail(origin, node,
           "'" + key_name(key) + "' must be " + (lever.integer ? "integers" : "strings"));
    }
    ranged(node, [&] { lever.set(spec, value, "'" + key_name(key) + "'"); });
    if (text) *text = value;
  }

  void reject_unknown(const std::vector<std::string>& known) const {
    for (const auto& [key, node] : table) {
      if (std::find(known.begin(), known.end(), key.str()) == known.end()) {
        fail(origin, node, "unknown key '" + key_name(std::string(key.str())) + "'");
      }
    }
  }
};

}  // namespace

ExperimentFile parse_experiment(const std::string& text, const std::string& origin) {
  toml::table root;
  try {
    root = toml::parse(text, origin);
  } catch (const toml::parse_error& e) {
    throw UsageError(origin + ":" + std::to_string(e.source().begin.line) + ": " +
                     std::string(e.description()));
  }
  for (const auto& [key, node] : root) {
    if (key != "experiment" && key != "grid") {
      fail(origin, node, "unknown section '" + std::string(key.str()) + "'");
    }
    if (!node.is_table()) fail(origin, node, "'" + std::string(key.str()) + "' must be a section");
  }
  const toml::table* exp = root["experiment"].as_table();
  const toml::table* grid = root["grid"].as_table();
  if (!exp) throw UsageError(origin + ": section [experiment] is missing");
  if (!grid) throw UsageError(origin + ": section [grid] is missing");

  ExperimentFile f;
  f.text = text;
  f.hash = fnv1a(text);
  Reader e{origin, *exp, "experiment"};
  e.reject_unknown(experiment_keys().experiment);
  if (!e.get("name", f.name, "a string")) f.name = "experiment";
  RunSpec& b = f.base;
  b.requests = e.count("requests", 8192, 1, kMaxRequests);
  b.warmup_batches = e.count("warmup_batches", 256, 0);
  b.warmup_batch_size = e.count("warmup_batch_size", 32, 1, kMaxWarmupBatch);
  f.repetitions = e.count("repetitions", 1, 1, kMaxRepetitions);
  b.seed = e.count("seed", 1, 0);
  b.model_seed = b.seed;
  std::string device = b.device.text;
  if (e.get("device", device, "a string")) {
    try {
      b.device = Device::parse(device);
    } catch (const UsageError& err) {
      fail(origin, *exp->get("device"), err.what());
    }
  }
  e.get("meter", b.meter, "a string");
  e.get("images", b.images, "a string");
  e.get("weights", b.weights, "a string");
  e.get("shuffle", f.shuffle, "true or false");
  if (e.get("target", b.target, "a string") && b.target != "serve" &&
      b.target.rfind("http://", 0) != 0) {
    fail(origin, *exp->get("target"),
         "'experiment.target' is \"serve\" or an http:// URL of a running server, not '" +
             b.target + "'");
  }
  b.peak_threshold_w = e.number("peak_threshold_w", b.peak_threshold_w, 0, kMaxPowerW, "W");
  b.idle_duration = e.seconds("idle_seconds", std::chrono::seconds(5));
  b.idle_settle = e.seconds("idle_settle_seconds", b.idle_settle);
  b.min_valid_requests = e.count("min_valid_requests", b.min_valid_requests, 0, kMaxRequests);
  if (exp->get("min_valid_seconds")) {
    b.min_valid_duration = e.seconds("min_valid_seconds", Nanos(0));
  }
  f.cooldown = e.duration("cooldown", f.cooldown);
  b.sample_interval = e.duration("sample_interval", b.sample_interval);
  if (b.sample_interval.count() <= 0) {
    fail(origin, *exp->get("sample_interval"), "'experiment.sample_interval' must be > 0");
  }

  Reader g{origin, *grid, "grid"};
  g.reject_unknown(experiment_keys().grid);
  // `arrivals`, plural like the other lists; `arrival` as first documented keeps working.
  const char* arrival_key = grid->contains("arrivals") ? "arrivals" : "arrival";
  if (grid->contains("arrivals") && grid->contains("arrival")) {
    fail(origin, *grid->get("arrival"),
         "'grid.arrival' and 'grid.arrivals' are one list: give one");
  }
  for (const Lever& lever : levers()) {
    const std::string key(lever.name), grid_key(lever.grid_key);
    if (const toml::node* one = exp->get(key)) {
      if (grid->contains(grid_key)) {
        fail(origin, *grid->get(grid_key),
             "'grid." + grid_key + "' and 'experiment." + key + "' both set " + key + ": give one");
      }
      e.set_lever(lever, *one, key, b);
    }
    if (!grid->contains(grid_key)) continue;
    const toml::array* arr = grid->get(grid_key)->as_array();
    if (!arr || arr->empty()) {
      fail(origin, *grid->get(grid_key), "'grid." + grid_key + "' must be a non-empty list");
    }
    std::vector<std::string>& values = f.lever_grid[key];
    std::set<std::string> seen;
    for (const toml::node& item : *arr) {
      RunSpec scratch = b;
      std::string text;
      g.set_lever(lever, item, grid_key, scratch, &text);
      const std::string canonical = lever.get(scratch);
      if (!seen.insert(canonical).second) {
        fail(origin, item,
             "'grid." + grid_key + "' names " + canonical + " twice" +
                 (canonical == text ? "" : " ('" + text + "')"));
      }
      values.push_back(text);
    }
  }
  f.models = g.list<std::string>("models", "strings");
  f.rates = g.list<double>("rates", "numbers");
  f.arrivals = g.list<std::string>(arrival_key, "strings");
  f.policies = g.list<std::string>("policies", "strings");
  const auto where = [&](const char* key) -> const toml::node& { return *grid->get(key); };
  if (b.target.rfind("http://", 0) == 0 && f.policies.size() != 1) {
    fail(origin, where("policies"),
         "'grid.policies': a server at an http:// target batches by its own settings; name them "
         "as one policy, for the record");
  }
  // Every rate-driven run must fit its requests into kMaxDuration; offline and trace runs ignore
  // the rates. Random gaps can still overshoot a rate near the bound: generate_schedule checks.
  const bool rated = std::any_of(f.arrivals.begin(), f.arrivals.end(),
                                 [](const std::string& a) { return arrival_needs_rate(a); });
  const double slowest = rated ? static_cast<double>(b.requests - 1) / to_seconds(kMaxDuration) : 0;
  const std::string why = "requests/s: " + std::to_string(b.requests) +
                          " requests must arrive within " +
                          std::to_string(kMaxDuration / std::chrono::hours(24)) + " days";
  for (double r : f.rates) {
    if (!(r > 0) && std::isfinite(r)) fail(origin, where("rates"), "'grid.rates' must all be > 0");
    g.ranged(where("rates"), [&] {
      check_range(r, "'grid.rates'", 0, kMaxRateHz, "requests/s");
      check_range(r, "'grid.rates'", slowest, kMaxRateHz, why);
    });
  }
  for (const std::string& m : f.models) {
    try {
      model_for_target(m, b.target);
    } catch (const UsageError& err) {
      fail(origin, where("models"), err.what());
    }
  }
  for (const std::string& a : f.arrivals) {
    try {
      parse_arrival(a, 1);
    } catch (const UsageError& err) {
      fail(origin, where(arrival_key), err.what());
    }
  }
  std::set<std::string> canonical;
  for (const std::string& p : f.policies) {
    std::string c;
    try {
      c = canonical_policy(p);
    } catch (const UsageError& err) {
      fail(origin, where("policies"), err.what());
    }
    if (!canonical.insert(c).second) {
      fail(origin, where("policies"), "'grid.policies' names " + c + " twice ('" + p + "')");
    }
  }
  // A value given twice would be one configuration (one id) run twice.
  const auto no_repeats = [&](const char* key, const auto& values) {
    for (std::size_t i = 0; i < values.size(); ++i) {
      for (std::size_t j = 0; j < i; ++j) {
        if (values[i] == values[j]) {
          fail(origin, where(key),
               "'grid." + std::string(key) + "' names " + fmt::format("{}", values[i]) + " twice");
        }
      }
    }
  };
  no_repeats("models", f.models);
  no_repeats("rates", f.rates);
  no_repeats(arrival_key, f.arrivals);
  // The grid's size before expand() builds it: every factor is at least 1, so the product is
  // checked factor by factor without overflow.
  std::size_t configurations = f.repetitions;
  std::vector<std::size_t> factors{f.models.size(), f.arrivals.size(), f.rates.size(),
                                   f.policies.size()};
  for (const auto& [lever, values] : f.lever_grid) factors.push_back(values.size());
  for (std::size_t factor : factors) {
    if (configurations > kMaxConfigurations / factor) {
      throw UsageError(origin + ": the grid holds more than " + std::to_string(kMaxConfigurations) +
                       " configurations (models x levers x arrivals x rates x policies x "
                       "repetitions); "
                       "split it into several experiment files");
    }
    configurations *= factor;
  }
  return f;
}

ExperimentFile load_experiment(const std::string& path) {
  if (!std::ifstream(path)) throw UsageError("experiment file '" + path + "' cannot be read");
  // An experiment file is a few lines; a megabyte is a wrong path (a trace, a device, a FIFO).
  return parse_experiment(read_bounded_file(path, 1 << 20), path);
}

ModelRef model_for_target(const std::string& name, const std::string& target) {
  return target.rfind("http://", 0) == 0 ? served_model(name) : classify_model(name);
}

const ExperimentKeys& experiment_keys() {
  static const ExperimentKeys keys{
      {"name", "requests", "warmup_batches", "warmup_batch_size", "repetitions",
       "idle_settle_seconds", "min_valid_requests", "min_valid_seconds", "cooldown", "seed",
       "device", "meter", "idle_seconds", "sample_interval", "images", "shuffle",
       "peak_threshold_w", "weights", "target"},
      {"models", "rates", "arrival", "arrivals", "policies"}};
  static const ExperimentKeys with_levers = [] {
    ExperimentKeys k = keys;
    for (const Lever& l : levers()) {
      k.experiment.emplace_back(l.name);
      k.grid.emplace_back(l.grid_key);
    }
    return k;
  }();
  return with_levers;
}

}  // namespace gb
