#include "experiment/experiment_file.h"

#include <toml++/toml.h>

#include <algorithm>
#include <fstream>
#include <random>
#include <set>
#include <sstream>

#include "batching/policy.h"
#include "common/errors.h"
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

  std::size_t count(const std::string& key, std::size_t fallback, int64_t min) const {
    int64_t v = static_cast<int64_t>(fallback);
    if (const toml::node* node = table.get(key)) {
      if (!node->is_integer()) fail(origin, *node, "'" + key_name(key) + "' must be an integer");
      v = *node->value<int64_t>();
      if (v < min) {
        fail(origin, *node, "'" + key_name(key) + "' must be >= " + std::to_string(min));
      }
    }
    return static_cast<std::size_t>(v);
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

  void reject_unknown(std::initializer_list<std::string_view> known) const {
    for (const auto& [key, node] : table) {
      if (std::find(known.begin(), known.end(), key.str()) == known.end()) {
        fail(origin, node, "unknown key '" + key_name(std::string(key.str())) + "'");
      }
    }
  }
};

}  // namespace

uint64_t fnv1a(const std::string& text) {
  uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}

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
  e.reject_unknown({"name", "requests", "warmup_batches", "warmup_batch_size", "repetitions",
                    "seed", "device", "meter", "idle_seconds", "sample_interval", "images",
                    "shuffle", "peak_threshold_w", "weights"});
  if (!e.get("name", f.name, "a string")) f.name = "experiment";
  RunSpec& b = f.base;
  b.requests = e.count("requests", 8192, 1);
  b.warmup_batches = e.count("warmup_batches", 256, 0);
  b.warmup_batch_size = e.count("warmup_batch_size", 32, 1);
  f.repetitions = e.count("repetitions", 1, 1);
  b.seed = e.count("seed", 1, 0);
  e.get("device", b.device, "a string");
  e.get("meter", b.meter, "a string");
  e.get("images", b.images, "a string");
  e.get("weights", b.weights, "a string");
  e.get("shuffle", f.shuffle, "true or false");
  e.get("peak_threshold_w", b.peak_threshold_w, "a number");
  double idle = 5;
  if (const toml::node* n = exp->get("idle_seconds")) {
    if (auto v = n->value<double>()) {
      idle = *v;
    } else {
      fail(origin, *n, "'experiment.idle_seconds' must be a number");
    }
    if (idle < 0) fail(origin, *n, "'experiment.idle_seconds' must be >= 0");
  }
  b.idle_duration = from_seconds(idle);
  std::string interval;
  if (e.get("sample_interval", interval, "a duration string such as \"10ms\"")) {
    try {
      b.sample_interval = parse_duration(interval);
    } catch (const UsageError& err) {
      fail(origin, *exp->get("sample_interval"), err.what());
    }
  }

  Reader g{origin, *grid, "grid"};
  g.reject_unknown({"models", "rates", "arrival", "policies"});
  f.models = g.list<std::string>("models", "strings");
  f.rates = g.list<double>("rates", "numbers");
  f.arrivals = g.list<std::string>("arrival", "strings");
  f.policies = g.list<std::string>("policies", "strings");
  const auto where = [&](const char* key) -> const toml::node& { return *grid->get(key); };
  for (double r : f.rates) {
    if (!(r > 0)) fail(origin, where("rates"), "'grid.rates' must all be > 0");
  }
  for (const std::string& a : f.arrivals) {
    try {
      parse_arrival(a, 1);
    } catch (const UsageError& err) {
      fail(origin, where("arrival"), err.what());
    }
  }
  for (const std::string& p : f.policies) {
    try {
      canonical_policy(p);
    } catch (const UsageError& err) {
      fail(origin, where("policies"), err.what());
    }
  }
  return f;
}

ExperimentFile load_experiment(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw UsageError("experiment file '" + path + "' cannot be read");
  std::stringstream ss;
  ss << in.rdbuf();
  return parse_experiment(ss.str(), path);
}

std::vector<Configuration> expand(const ExperimentFile& f) {
  std::vector<Configuration> all;
  std::size_t index = 0;
  for (const std::string& model : f.models) {
    std::vector<Configuration> per_model;
    for (const std::string& arrival : f.arrivals) {
      // An offline stream has no rate: one configuration per policy, not one per rate.
      const std::vector<double> rates =
          arrival_needs_rate(arrival) ? f.rates : std::vector<double>{0};
      for (double rate : rates) {
        for (const std::string& policy : f.policies) {
          for (std::size_t rep = 0; rep < f.repetitions; ++rep) {
            Configuration c;
            c.index = index++;
            c.repetition = rep;
            c.spec = f.base;
            c.spec.model = model;
            c.spec.arrival = arrival;
            c.spec.rate_hz = rate;
            c.spec.policy = canonical_policy(policy);
            // Repetitions differ in their arrival schedule, not only in noise.
            c.spec.seed = f.base.seed + rep;
            per_model.push_back(c);
          }
        }
      }
    }
    if (f.shuffle) {
      std::mt19937_64 rng(f.base.seed ^ fnv1a(model));
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
    if (c.index % n == i) out.push_back(c);
  }
  return out;
}

std::vector<ModelGroup> group_by_model(const std::vector<Configuration>& configs) {
  std::vector<ModelGroup> groups;
  for (std::size_t i = 0; i < configs.size(); ++i) {
    if (groups.empty() || configs[i].spec.model != configs[groups.back().begin].spec.model) {
      groups.push_back({i, i, 1});
    }
    ModelGroup& g = groups.back();
    g.end = i + 1;
    g.max_batch = std::max(g.max_batch, policy_max_batch(configs[i].spec.policy));
  }
  return groups;
}

}  // namespace gb
