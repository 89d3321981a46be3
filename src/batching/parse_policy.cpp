// Policy spec strings: NAME[:ARG[,KEY=VALUE]...]. Kept in one place so the CLI, experiment files
// and stored results all speak the same language, and describe() round-trips through here.
#include <algorithm>
#include <map>
#include <optional>
#include <stdexcept>

#include "batching/aimd_policy.h"
#include "batching/batch_costs.h"
#include "batching/fixed_policy.h"
#include "batching/greedy_policy.h"
#include "batching/offline_optimal_policy.h"
#include "batching/policy.h"
#include "batching/slo_policy.h"
#include "batching/triton_policy.h"
#include "common/errors.h"
#include "common/parse.h"

namespace gb {
namespace {

constexpr int64_t kMaxBatch = 65536;

struct Spec {
  std::string name;
  std::optional<std::string> positional;  // e.g. the 16 of fixed:16
  std::map<std::string, std::string> keys;
};

[[noreturn]] void bad(std::string_view spec, const std::string& why) {
  throw UsageError("policy '" + std::string(spec) + "': " + why);
}

Spec split_spec(std::string_view text) {
  Spec spec;
  const size_t colon = text.find(':');
  spec.name = std::string(trim(text.substr(0, colon)));
  if (colon == std::string_view::npos) return spec;
  const std::string_view rest = text.substr(colon + 1);
  if (trim(rest).empty()) bad(text, "nothing after ':'");
  bool first = true;
  for (const std::string& part : split(rest, ',')) {
    if (part.empty()) bad(text, "empty field");
    const size_t eq = part.find('=');
    if (eq == std::string::npos) {
      if (!first) bad(text, "'" + part + "' should be KEY=VALUE");
      spec.positional = part;
    } else {
      const std::string key(trim(std::string_view(part).substr(0, eq)));
      if (!spec.keys.emplace(key, std::string(trim(std::string_view(part).substr(eq + 1))))
               .second) {
        bad(text, "'" + key + "' given twice");
      }
    }
    first = false;
  }
  return spec;
}

std::size_t batch_size(std::string_view spec, std::string_view what, const std::string& value) {
  int64_t n;
  try {
    n = parse_int(value, what);
  } catch (const UsageError&) {
    bad(spec, std::string(what) + " '" + value + "' is not an integer");
  }
  if (n < 1 || n > kMaxBatch) {
    bad(spec, std::string(what) + " must be in 1.." + std::to_string(kMaxBatch) + ", got " + value);
  }
  return static_cast<std::size_t>(n);
}

// In 0 to kMaxDuration like every duration; the range message names `what` itself.
Nanos duration(std::string_view spec, std::string_view what, const std::string& value) {
  if (!value.empty() && value[0] == '-') bad(spec, std::string(what) + " must not be negative");
  try {
    return parse_duration(value, what);
  } catch (const OutOfRangeError& e) {
    bad(spec, e.what());
  } catch (const UsageError& e) {
    bad(spec, std::string(what) + ": " + e.what());
  }
}

void reject_unknown_keys(std::string_view spec, const Spec& s,
                         std::initializer_list<std::string_view> allowed) {
  for (const auto& [key, value] : s.keys) {
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      bad(spec, "unknown option '" + key + "'");
    }
  }
}

}  // namespace

std::unique_ptr<BatchingPolicy> parse_policy(std::string_view text,
                                             std::shared_ptr<const BatchCosts> costs) {
  const Spec s = split_spec(text);
  if (s.name == "fixed") {
    if (!s.positional) bad(text, "fixed needs a batch size, e.g. fixed:16");
    reject_unknown_keys(text, s, {"timeout"});
    const std::size_t n = batch_size(text, "batch size", *s.positional);
    std::optional<Nanos> timeout;
    if (auto it = s.keys.find("timeout"); it != s.keys.end()) {
      timeout = duration(text, "timeout", it->second);
    }
    return std::make_unique<FixedPolicy>(n, timeout);
  }
  if (s.name == "greedy") {
    reject_unknown_keys(text, s, {});
    const std::size_t cap =
        s.positional ? batch_size(text, "cap", *s.positional) : GreedyPolicy::kDefaultCap;
    return std::make_unique<GreedyPolicy>(cap);
  }
  if (s.name == "triton") {
    if (s.positional)
      bad(text, "triton takes KEY=VALUE options only, e.g. triton:max=32,delay=5ms");
    reject_unknown_keys(text, s, {"max", "preferred", "delay"});
    auto it = s.keys.find("max");
    if (it == s.keys.end()) bad(text, "triton needs max=M");
    const std::size_t max = batch_size(text, "max", it->second);
    std::vector<std::size_t> preferred;
    if (auto p = s.keys.find("preferred"); p != s.keys.end()) {
      for (const std::string& v : split(p->second, '|')) {
        const std::size_t n = batch_size(text, "preferred size", v);
        if (n > max) bad(text, "preferred size " + v + " exceeds max " + std::to_string(max));
        preferred.push_back(n);
      }
      std::sort(preferred.begin(), preferred.end());
      preferred.erase(std::unique(preferred.begin(), preferred.end()), preferred.end());
    }
    Nanos delay{0};
    if (auto d = s.keys.find("delay"); d != s.keys.end())
      delay = duration(text, "delay", d->second);
    return std::make_unique<TritonPolicy>(max, std::move(preferred), delay);
  }
  if (s.name == "aimd") {
    if (s.positional) bad(text, "aimd takes KEY=VALUE options only, e.g. aimd:slo=250ms");
    reject_unknown_keys(text, s, {"slo", "step", "max"});
    auto it = s.keys.find("slo");
    if (it == s.keys.end()) bad(text, "aimd needs slo=T");
    const Nanos slo = duration(text, "slo", it->second);
    if (slo.count() <= 0) bad(text, "slo must be > 0");
    const auto step = s.keys.count("step") ? batch_size(text, "step", s.keys.at("step")) : 1;
    const auto max = s.keys.count("max") ? batch_size(text, "max", s.keys.at("max")) : 128;
    return std::make_unique<AimdPolicy>(slo, step, max);
  }
  if (s.name == "slo" || s.name == "offline") {
    if (!s.positional) bad(text, s.name + " needs a latency budget, e.g. " + s.name + ":250ms");
    reject_unknown_keys(text, s, {"max"});
    const Nanos slo = duration(text, "budget", *s.positional);
    if (slo.count() <= 0) bad(text, "the latency budget must be > 0");
    const auto max = s.keys.count("max") ? batch_size(text, "max", s.keys.at("max")) : 128;
    if (!costs) {
      bad(text, "needs the model's batch costs: pass --profile P.json (from greenbatch profile)");
    }
    if (s.name == "slo") return std::make_unique<SloPolicy>(slo, max, std::move(costs));
    return std::make_unique<OfflineOptimalPolicy>(slo, max, std::move(costs));
  }
  if (s.name.empty()) bad(text, "empty policy");
  bad(text, "unknown policy '" + s.name + "' (known: fixed, greedy, triton, aimd, slo, offline)");
}

void policy_broke_contract(const BatchingPolicy& policy, const std::string& what) {
  throw std::logic_error("policy " + policy.describe() + " broke its contract: " + what);
}

namespace {

std::unique_ptr<BatchingPolicy> parse_for_syntax(std::string_view spec) {
  // A placeholder table: enough for slo/offline to construct, describe and bound themselves.
  static const auto placeholder =
      std::make_shared<const BatchCosts>(std::vector<BatchCostPoint>{{1, Nanos(1), Nanos(1), 1.0}});
  return parse_policy(spec, placeholder);
}

}  // namespace

std::string canonical_policy(std::string_view spec) { return parse_for_syntax(spec)->describe(); }

std::size_t policy_max_batch(std::string_view spec) { return parse_for_syntax(spec)->max_batch(); }

}  // namespace gb
