// PolicySpec: a batching policy as a value, parsed once at the edge from its spec string
// (NAME[:ARG[,KEY=VALUE]...], the syntax parse_policy documents in policy.h) and carried typed
// from then on; the string comes back only at I/O, as canonical(). build() makes the policy
// object a run drives.
//
// Guarantees: parse() either returns a spec every setting of which is in range, or throws
// UsageError naming the problem; canonical() is the policy's own describe(), so
// PolicySpec::parse(s.canonical()) == s for every parsed s.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/time.h"

namespace gb {

class BatchCosts;
class BatchingPolicy;

struct PolicySpec {
  enum class Kind { kFixed, kGreedy, kTriton, kTorchServe, kAimd, kSlo, kOffline };
  Kind kind = Kind::kFixed;
  std::size_t size = 16;               // fixed: N; greedy: its cap; torchserve: batch; others: max
  std::optional<Nanos> timeout;        // fixed
  std::vector<std::size_t> preferred;  // triton, ascending and unique; empty = not given
  Nanos delay{0};                      // triton, torchserve
  Nanos budget{0};                     // aimd: slo=; slo and offline: the latency budget
  std::size_t step = 1;                // aimd

  // Throws UsageError naming the spec and the problem.
  static PolicySpec parse(std::string_view text);

  // REQUIRES: costs non-null when needs_costs().
  std::unique_ptr<BatchingPolicy> build(std::shared_ptr<const BatchCosts> costs = nullptr) const;

  const std::string& canonical() const { return canonical_; }
  // Upper bound of any batch the policy forms.
  std::size_t max_batch() const { return size; }
  // slo and offline plan with a profile's batch costs.
  bool needs_costs() const { return kind == Kind::kSlo || kind == Kind::kOffline; }
  // The paper's "Batch Size" column: N for a plain fixed:N, else the canonical string.
  std::string batch_size_label() const;
  // "fixed", "greedy", "triton", "torchserve", "aimd", "slo", "offline": a column a dataframe
  // groups by.
  const char* kind_name() const;

  bool operator==(const PolicySpec& o) const { return canonical_ == o.canonical_; }
  bool operator!=(const PolicySpec& o) const { return !(*this == o); }

 private:
  std::string canonical_ = "fixed:16";
};

}  // namespace gb
