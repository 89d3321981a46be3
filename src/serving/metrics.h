// Prometheus text exposition (format 0.0.4) for `GET /metrics`: a writer that emits each family's
// `# HELP` and `# TYPE` lines once, then its samples with escaped label values, and the histogram
// the server keeps (cumulative `_bucket{le="..."}`, `_sum`, `_count`). Names follow the format's
// conventions (design.md section 8): counters end in `_total`, units are in names.
//
// Thread safety: Histogram::observe() and snapshot() may be called from any thread at once. The
// writer is one thread's.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace gb {

// A label value as the text format wants it: backslash, double quote and line feed escaped.
std::string escape_label_value(std::string_view value);

using Labels = std::vector<std::pair<std::string, std::string>>;

class PrometheusWriter {
 public:
  // `type`: counter, gauge or histogram. Repeated families are written once.
  void family(std::string_view name, std::string_view type, std::string_view help);
  void sample(std::string_view name, const Labels& labels, double value);
  const std::string& text() const { return text_; }

 private:
  std::string text_;
  std::vector<std::string> families_;
};

class Histogram {
 public:
  // `bounds`: the buckets' upper edges, ascending; +Inf is implied.
  explicit Histogram(std::vector<double> bounds);
  void observe(double value);
  // Writes the family's samples (buckets cumulative, then +Inf, sum and count) with `labels`.
  void write(PrometheusWriter& out, std::string_view name, const Labels& labels) const;

 private:
  std::vector<double> bounds_;
  mutable std::mutex mutex_;
  std::vector<uint64_t> counts_;  // per bucket, then the overflow
  double sum_ = 0;
  uint64_t count_ = 0;
};

}  // namespace gb
