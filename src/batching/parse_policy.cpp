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
#include "batching/policy_spec.h"
#include "batching/slo_policy.h"
#include "batching/torchserve_policy.h"
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

PolicySpec PolicySpec::parse(std::string_view text) {
  const Spec s = split_spec(text);
  PolicySpec p;
  if (s.name == "fixed") {
    if (!s.positional) bad(text, "fixed needs a batch size, e.g. fixed:16");
    reject_unknown_keys(text, s, {"timeout"});
    p.kind = Kind::kFixed;
    p.size = batch_size(text, "batch size", *s.positional);
    if (auto it = s.keys.find("timeout"); it != s.keys.end()) {
      p.timeout = duration(text, "timeout", it->second);
    }
  } else if (s.name == "greedy") {
    reject_unknown_keys(text, s, {});
    p.kind = Kind::kGreedy;
    p.size = s.positional ? batch_size(text, "cap", *s.positional) : GreedyPolicy::kDefaultCap;
  } else if (s.name == "triton") {
    if (s.positional)
      bad(text, "triton takes KEY=VALUE options only, e.g. triton:max=32,delay=5ms");
    reject_unknown_keys(text, s, {"max", "preferred", "delay"});
    auto it = s.keys.find("max");
    if (it == s.keys.end()) bad(text, "triton needs max=M");
    p.kind = Kind::kTriton;
    p.size = batch_size(text, "max", it->second);
    if (auto pr = s.keys.find("preferred"); pr != s.keys.end()) {
      for (const std::string& v : split(pr->second, '|')) {
        const std::size_t n = batch_size(text, "preferred size", v);
        if (n > p.size) bad(text, "preferred size " + v + " exceeds max " + std::to_string(p.size));
        p.preferred.push_back(n);
      }
      std::sort(p.preferred.begin(), p.preferred.end());
      p.preferred.erase(std::unique(p.preferred.begin(), p.preferred.end()), p.preferred.end());
    }
    if (auto d = s.keys.find("delay"); d != s.keys.end()) {
      p.delay = duration(text, "delay", d->second);
    }
  } else if (s.name == "torchserve") {
    if (s.positional) {
      bad(text, "torchserve takes KEY=VALUE options only, e.g. torchserve:batch=8,delay=50ms");
    }
    reject_unknown_keys(text, s, {"batch", "delay"});
    auto it = s.keys.find("batch");
    if (it == s.keys.end()) bad(text, "torchserve needs batch=N");
    p.kind = Kind::kTorchServe;
    p.size = batch_size(text, "batch", it->second);
    p.delay = TorchServePolicy::kDefaultDelay;
    if (auto d = s.keys.find("delay"); d != s.keys.end()) {
      p.delay = duration(text, "delay", d->second);
    }
    // TorchServe's max_batch_delay is an integer number of milliseconds.
    if (p.delay % std::chrono::milliseconds(1) != Nanos(0)) {
      bad(text,
          "delay must be a whole number of milliseconds (TorchServe's max_batch_delay is "
          "in ms), got " +
              format_duration(p.delay));
    }
  } else if (s.name == "aimd") {
    if (s.positional) bad(text, "aimd takes KEY=VALUE options only, e.g. aimd:slo=250ms");
    reject_unknown_keys(text, s, {"slo", "step", "max"});
    auto it = s.keys.find("slo");
    if (it == s.keys.end()) bad(text, "aimd needs slo=T");
    p.kind = Kind::kAimd;
    p.budget = duration(text, "slo", it->second);
    if (p.budget.count() <= 0) bad(text, "slo must be > 0");
    p.step = s.keys.count("step") ? batch_size(text, "step", s.keys.at("step")) : 1;
    p.size = s.keys.count("max") ? batch_size(text, "max", s.keys.at("max")) : 128;
  } else if (s.name == "slo" || s.name == "offline") {
    if (!s.positional) bad(text, s.name + " needs a latency budget, e.g. " + s.name + ":250ms");
    reject_unknown_keys(text, s, {"max"});
    p.kind = s.name == "slo" ? Kind::kSlo : Kind::kOffline;
    p.budget = duration(text, "budget", *s.positional);
    if (p.budget.count() <= 0) bad(text, "the latency budget must be > 0");
    p.size = s.keys.count("max") ? batch_size(text, "max", s.keys.at("max")) : 128;
  } else if (s.name.empty()) {
    bad(text, "empty policy");
  } else {
    bad(text, "unknown policy '" + s.name +
                  "' (known: fixed, greedy, triton, torchserve, aimd, slo, offline)");
  }
  // The policy's own describe() is the canonical form: one spelling, written in one place.
  static const auto placeholder =
      std::make_shared<const BatchCosts>(std::vector<BatchCostPoint>{{1, Nanos(1), Nanos(1), 1.0}});
  p.canonical_ = p.build(placeholder)->describe();
  return p;
}

std::unique_ptr<BatchingPolicy> PolicySpec::build(std::shared_ptr<const BatchCosts> costs) const {
  switch (kind) {
    case Kind::kFixed:
      return std::make_unique<FixedPolicy>(size, timeout);
    case Kind::kGreedy:
      return std::make_unique<GreedyPolicy>(size);
    case Kind::kTriton:
      return std::make_unique<TritonPolicy>(size, preferred, delay);
    case Kind::kTorchServe:
      return std::make_unique<TorchServePolicy>(size, delay);
    case Kind::kAimd:
      return std::make_unique<AimdPolicy>(budget, step, size);
    case Kind::kSlo:
    case Kind::kOffline:
      if (!costs) {
        bad(canonical_,
            "needs the model's batch costs: pass --profile P.json (from greenbatch "
            "profile)");
      }
      if (kind == Kind::kSlo) return std::make_unique<SloPolicy>(budget, size, std::move(costs));
      return std::make_unique<OfflineOptimalPolicy>(budget, size, std::move(costs));
  }
  throw std::logic_error("unknown policy kind");
}

std::string PolicySpec::batch_size_label() const {
  return kind == Kind::kFixed && !timeout ? std::to_string(size) : canonical_;
}

const char* PolicySpec::kind_name() const {
  switch (kind) {
    case Kind::kFixed:
      return "fixed";
    case Kind::kGreedy:
      return "greedy";
    case Kind::kTriton:
      return "triton";
    case Kind::kTorchServe:
      return "torchserve";
    case Kind::kAimd:
      return "aimd";
    case Kind::kSlo:
      return "slo";
    case Kind::kOffline:
      return "offline";
  }
  return "fixed";
}

std::unique_ptr<BatchingPolicy> parse_policy(std::string_view text,
                                             std::shared_ptr<const BatchCosts> costs) {
  return PolicySpec::parse(text).build(std::move(costs));
}

void policy_broke_contract(const BatchingPolicy& policy, const std::string& what) {
  throw std::logic_error("policy " + policy.describe() + " broke its contract: " + what);
}

std::string canonical_policy(std::string_view spec) { return PolicySpec::parse(spec).canonical(); }

std::size_t policy_max_batch(std::string_view spec) { return PolicySpec::parse(spec).max_batch(); }

}  // namespace gb
