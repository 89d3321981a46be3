#include "results/experiment_file.h"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <limits>
#include <random>
#include <set>
#include <sstream>

#include "batching/policy.h"
#include "common/errors.h"
#include "common/files.h"
#include "common/parse.h"
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
  b.threads = static_cast<int>(e.count("threads", 0, 0, kMaxThreads));
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
  f.models = g.list<std::string>("models", "strings");
  f.rates = g.list<double>("rates", "numbers");
  f.arrivals = g.list<std::string>(arrival_key, "strings");
  f.policies = g.list<std::string>("policies", "strings");
  const auto where = [&](const char* key) -> const toml::node& { return *grid->get(key); };
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
      classify_model(m);
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
  // The GPU's dimension: optional lists, each "default" or a value with its unit.
  std::vector<std::string> limits, clocks;
  if (grid->contains("power_limits")) {
    limits = g.list<std::string>("power_limits", "strings such as \"200W\" or \"default\"");
    g.ranged(where("power_limits"),
             [&] { gpu_setting_grid(limits, {}, "'grid.power_limits'", ""); });
  }
  if (grid->contains("gpu_clocks")) {
    clocks = g.list<std::string>("gpu_clocks", "strings such as \"1410MHz\" or \"default\"");
    g.ranged(where("gpu_clocks"), [&] { gpu_setting_grid({}, clocks, "", "'grid.gpu_clocks'"); });
  }
  f.gpu_settings = gpu_setting_grid(limits, clocks, "'grid.power_limits'", "'grid.gpu_clocks'");
  // The grid's size before expand() builds it: every factor is at least 1, so the product is
  // checked factor by factor without overflow.
  std::size_t configurations = f.repetitions;
  for (std::size_t factor : {f.models.size(), f.arrivals.size(), f.rates.size(), f.policies.size(),
                             f.gpu_settings.size()}) {
    if (configurations > kMaxConfigurations / factor) {
      throw UsageError(origin + ": the grid holds more than " + std::to_string(kMaxConfigurations) +
                       " configurations (models x GPU settings x arrivals x rates x policies x "
                       "repetitions); split it into several experiment files");
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

const ExperimentKeys& experiment_keys() {
  static const ExperimentKeys keys{
      {"name", "requests", "warmup_batches", "warmup_batch_size", "repetitions",
       "idle_settle_seconds", "min_valid_requests", "min_valid_seconds", "cooldown", "seed",
       "device", "meter", "idle_seconds", "sample_interval", "images", "shuffle",
       "peak_threshold_w", "weights", "threads"},
      {"models", "rates", "arrival", "arrivals", "policies", "power_limits", "gpu_clocks"}};
  return keys;
}

std::vector<Configuration> expand(const ExperimentFile& f) {
  std::vector<Configuration> all;
  std::size_t index = 0;
  // Each policy parsed once, not once per model, arrival, rate and repetition.
  std::vector<PolicySpec> policies;
  for (const std::string& p : f.policies) policies.push_back(PolicySpec::parse(p));
  for (const std::string& name : f.models) {
    const ModelRef model = classify_model(name);
    std::vector<Configuration> per_model;
    for (const GpuSetting& gpu : f.gpu_settings) {
      for (const std::string& arrival : f.arrivals) {
        // An offline stream has no rate: one configuration per policy, not one per rate.
        const std::vector<double> rates =
            arrival_needs_rate(arrival) ? f.rates : std::vector<double>{0};
        for (double rate : rates) {
          for (const PolicySpec& policy : policies) {
            for (std::size_t rep = 0; rep < f.repetitions; ++rep) {
              Configuration c;
              c.index = index++;
              c.repetition = rep;
              c.spec = f.base;
              c.spec.model = model;
              c.spec.gpu = gpu;
              c.spec.set_arrival(arrival, rate);
              c.spec.policy = policy;
              // Repetitions differ in their arrival schedule, not only in noise.
              c.spec.seed = f.base.seed + rep;
              c.id = configuration_id(c.spec, rep);
              c.group_id = configuration_group_id(c.spec, rep);
              per_model.push_back(c);
            }
          }
        }
      }
    }
    if (f.shuffle) {
      std::mt19937_64 rng(f.base.seed ^ fnv1a(name));
      std::shuffle(per_model.begin(), per_model.end(), rng);
    }
    all.insert(all.end(), per_model.begin(), per_model.end());
  }
  return all;
}

std::vector<Configuration> shard(const std::vector<Configuration>& all, std::size_t i,
                                 std::size_t n) {
  std::vector<Configuration> out;
  for (const Configuration& c : all) {
    if (std::stoull(c.id, nullptr, 16) % n == i) out.push_back(c);
  }
  return out;
}

std::vector<SessionGroup> group_by_session(const std::vector<Configuration>& configs) {
  std::vector<SessionGroup> groups;
  for (std::size_t i = 0; i < configs.size(); ++i) {
    if (groups.empty() || !configs[i].spec.same_session(configs[groups.back().begin].spec)) {
      groups.push_back({i, i, 1});
    }
    SessionGroup& g = groups.back();
    g.end = i + 1;
    g.max_batch = std::max(g.max_batch, configs[i].spec.policy.max_batch());
  }
  return groups;
}

}  // namespace gb
