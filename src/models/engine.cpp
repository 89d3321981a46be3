#include "models/engine.h"

#include <fmt/format.h>

#include <fstream>
#include <set>
#include <sstream>

#include "common/errors.h"
#include "common/suggest.h"

namespace gb {
namespace {

template <typename T>
T parse_label(std::string_view text, std::string_view what,
              const std::vector<std::string>& labels) {
  for (std::size_t i = 0; i < labels.size(); ++i) {
    if (text == labels[i]) return static_cast<T>(i);
  }
  std::string known;
  for (const std::string& l : labels) known += (known.empty() ? "" : ", ") + l;
  throw UsageError(std::string(what) + ": '" + std::string(text) + "' is not one of " + known +
                   did_you_mean(text, labels));
}

// The flags of the first processor in a /proc/cpuinfo-formatted file; empty when unreadable.
std::set<std::string> cpu_flags(const std::string& cpuinfo) {
  std::ifstream in(cpuinfo);
  std::string line;
  std::set<std::string> flags;
  while (std::getline(in, line)) {
    if (line.rfind("flags", 0) != 0) continue;
    const auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::istringstream words(line.substr(colon + 1));
    for (std::string w; words >> w;) flags.insert(w);
    break;
  }
  return flags;
}

}  // namespace

std::string_view engine_label(Engine engine) {
  return engine == Engine::kOptimized ? "optimized" : "eager";
}

std::string_view precision_label(Precision precision) {
  switch (precision) {
    case Precision::kBf16:
      return "bf16";
    case Precision::kFp16:
      return "fp16";
    case Precision::kFp32:
      break;
  }
  return "fp32";
}

std::vector<std::string> engine_labels() { return {"eager", "optimized"}; }
std::vector<std::string> precision_labels() { return {"fp32", "bf16", "fp16"}; }

Engine parse_engine(std::string_view text, std::string_view what) {
  return parse_label<Engine>(text, what, engine_labels());
}

Precision parse_precision(std::string_view text, std::string_view what) {
  return parse_label<Precision>(text, what, precision_labels());
}

PrecisionSupport cpu_precision_support(Precision precision, const std::string& cpuinfo) {
  PrecisionSupport s;
  switch (precision) {
    case Precision::kFp32:
      s.usable = s.native = true;
      s.why = "fp32 runs everywhere";
      return s;
    case Precision::kFp16:
      s.why =
          "fp16 needs a CUDA device: libtorch has no half-precision convolutions on a CPU (use "
          "--precision bf16 or fp32 here)";
      return s;
    case Precision::kBf16:
      break;
  }
  const std::set<std::string> flags = cpu_flags(cpuinfo);
  std::string found;
  for (const char* f : {"avx512_bf16", "amx_bf16"}) {
    if (flags.count(f)) found += (found.empty() ? "" : " and ") + std::string(f);
  }
  s.usable = true;
  s.native = !found.empty();
  s.why = s.native ? "the CPU has " + found
                   : std::string(
                         "the CPU has neither avx512_bf16 nor amx_bf16: bf16 is emulated "
                         "through fp32, slower than fp32 and no cheaper");
  return s;
}

std::string numeric_cost_text(Engine engine, Precision precision, const NumericCost& cost) {
  return fmt::format(
      "{} {} against fp32 eager on {} images: max |logit difference| {:.3g} (of max |logit| "
      "{:.3g}), mean {:.3g}{}",
      engine_label(engine), precision_label(precision), cost.images, cost.max_abs_diff,
      cost.reference_max, cost.mean_abs_diff,
      cost.top1_agreement ? fmt::format("; top-1 agrees on {:.1f} %", 100 * *cost.top1_agreement)
                          : std::string());
}

}  // namespace gb
