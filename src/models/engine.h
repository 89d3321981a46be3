// How a classifier computes, beside what it computes: the inference engine (eager libtorch calls,
// or a frozen graph optimised for inference) and the numeric precision of its weights and
// activations. Torch-free, like model_info.h, so specs, profiles and reports can name them; the
// conversions themselves are in classifier.h (prepare_classifier) and why each exists is in
// docs/models.md, "Engines and precisions".
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gb {

enum class Engine {
  kEager,      // the native modules (or the TorchScript file) as they are
  kOptimized,  // BatchNorm folded, frozen, oneDNN where libtorch has it (docs/models.md)
};

enum class Precision { kFp32, kBf16, kFp16 };

// "eager", "optimized"; "fp32", "bf16", "fp16": the spellings of options, files and results.
std::string_view engine_label(Engine engine);
std::string_view precision_label(Precision precision);
// UsageError naming `what` (e.g. "--engine") and the valid spellings, with a did-you-mean hint.
Engine parse_engine(std::string_view text, std::string_view what = "engine");
Precision parse_precision(std::string_view text, std::string_view what = "precision");
std::vector<std::string> engine_labels();
std::vector<std::string> precision_labels();

// Whether this machine runs a precision natively, as it says before a session uses it. Asked at
// run time, never at build time: the CI machines and the GPUs differ from day to day.
struct PrecisionSupport {
  bool usable = false;  // false: refused (why says so and what to use instead)
  bool native = false;  // usable and the hardware computes in it (not emulated through fp32)
  std::string why;      // one line: what was found ("avx512_bf16 and amx_bf16", "no CUDA device")
};

// The CPU's answer from the flags of /proc/cpuinfo's first processor (a seam for tests): fp32
// always; bf16 native with avx512_bf16 or amx_bf16, else emulated (oneDNN converts through fp32
// on AVX-512 machines and libtorch's own kernels elsewhere); fp16 refused (libtorch 1.13 has no
// CPU half-precision convolutions: it needs CUDA).
PrecisionSupport cpu_precision_support(Precision precision,
                                       const std::string& cpuinfo = "/proc/cpuinfo");

// What a prepared model's logits differ from the fp32 eager model's by, on the session's images
// (inference/prepare.h measures it; results record it).
struct NumericCost {
  std::size_t images = 0;    // compared on; 0: not measured
  double max_abs_diff = 0;   // the largest |logit difference| over every image and class
  double mean_abs_diff = 0;  // the mean |logit difference|
  double reference_max = 0;  // max |logit| of the reference, the scale of the two above
  std::optional<double> top1_agreement;  // images with the reference's top-1 class (--weights only)
};

// "optimized bf16 against fp32 eager on 3 images: max |logit difference| 6.62e-05 (of max |logit|
// 0.0312), mean 2.04e-05", with "; top-1 agrees on 98.4 %" where measured: one wording for the
// session's log and the run's table.
std::string numeric_cost_text(Engine engine, Precision precision, const NumericCost& cost);

}  // namespace gb
