#include "inference/prepare.h"

#include <fmt/format.h>

#include <algorithm>

#include "common/errors.h"
#include "energy/cuda_device.h"
#include "inference/model_executor.h"

namespace gb {
namespace {

// The preprocessed images a numeric comparison runs on: the first kMaxCostImages of the set.
torch::Tensor cost_images(Classifier& model, const ImageSet& images, const torch::Device& device) {
  const std::size_t n = std::min(images.size(), kMaxCostImages);
  ModelExecutor executor(model, images, device, n);
  return executor.preprocess(0, n).clone();
}

torch::Tensor logits_of(Classifier& model, const torch::Tensor& host_images,
                        const torch::Device& device) {
  c10::InferenceMode guard;
  std::vector<torch::Tensor> out;
  for (int64_t i = 0; i < host_images.size(0); i += 8) {
    const torch::Tensor batch =
        host_images.narrow(0, i, std::min<int64_t>(8, host_images.size(0) - i));
    out.push_back(model.forward(batch.to(device)).to(torch::kCPU, torch::kFloat64));
  }
  return torch::cat(out);
}

}  // namespace

PrecisionSupport precision_support(Precision precision, const torch::Device& device) {
  if (device.is_cpu()) return cpu_precision_support(precision);
  PrecisionSupport s;
  s.usable = s.native = true;
  s.why = fmt::format("{} runs on CUDA devices", precision_label(precision));
  if (precision != Precision::kBf16) return s;
  try {
    c10::InferenceMode guard;
    const auto a =
        torch::ones({8, 8}, torch::TensorOptions().dtype(torch::kBFloat16).device(device));
    (void)a.matmul(a).sum().item<float>();
  } catch (const std::exception&) {
    s.usable = s.native = false;
    s.why = "bf16 does not run on " + device.str() + " with this libtorch (use --precision fp16)";
    return s;
  }
  std::string why;
  const auto id = identify_cuda_device(device.index() < 0 ? 0 : device.index(), &why);
  if (id && id->compute_major > 0) {
    s.native = id->compute_major >= 8;
    s.why = fmt::format("compute capability {}.{}: bf16 {}", id->compute_major, id->compute_minor,
                        s.native ? "native" : "emulated (native from 8.0)");
  } else {
    s.native = false;
    s.why =
        "the CUDA driver does not say the compute capability (" + why + "): bf16 may be emulated";
  }
  return s;
}

void check_precision(Precision precision, const torch::Device& device) {
  const PrecisionSupport support = precision_support(precision, device);
  if (!support.usable) {
    throw UsageError("precision " + std::string(precision_label(precision)) + " on " +
                     device.str() + ": " + support.why);
  }
}

std::unique_ptr<Classifier> prepare_for_session(std::unique_ptr<Classifier> model, Engine engine,
                                                Precision precision, const ImageSet& images,
                                                const torch::Device& device, bool real_weights,
                                                NumericCost* cost) {
  check_precision(precision, device);
  const torch::Tensor host = cost_images(*model, images, device);
  NumericCost c;
  c.images = static_cast<std::size_t>(host.size(0));
  if (engine == Engine::kEager && precision == Precision::kFp32) {
    if (real_weights) c.top1_agreement = 1;
    *cost = c;
    return model;
  }
  const torch::Tensor reference = logits_of(*model, host, device);
  model = prepare_classifier(std::move(model), engine, precision);
  const torch::Tensor candidate = logits_of(*model, host, device);
  const torch::Tensor diff = (candidate - reference).abs();
  c.max_abs_diff = diff.max().item<double>();
  c.mean_abs_diff = diff.mean().item<double>();
  c.reference_max = reference.abs().max().item<double>();
  if (real_weights) {
    const torch::Tensor same = candidate.argmax(1) == reference.argmax(1);
    c.top1_agreement = same.to(torch::kFloat64).mean().item<double>();
  }
  *cost = c;
  return model;
}

}  // namespace gb
