// A session's model made ready for its engine and precision (models/engine.h), with what that
// costs in accuracy measured on the session's own images before any run: the logits of the
// prepared model against the fp32 eager model's, on the same preprocessed images.
//
// Contract:
// - precision_support asks the machine at run time: on a CPU, /proc/cpuinfo's flags (engine.h);
//   on CUDA, fp16 and fp32 always, bf16 when a small bf16 matrix product runs on the device
//   (native from compute capability 8.0, which the CUDA driver reports; older GPUs emulate it).
// - prepare_for_session refuses (UsageError) a precision precision_support refuses. It compares
//   on at most kMaxCostImages images of `images` (the first ones), in batches of 8; for eager
//   fp32 it compares nothing and reports zero differences. top1_agreement is set only when
//   `real_weights` (random weights make the top-1 class meaningless).
#pragma once

#include <torch/torch.h>

#include <memory>

#include "inference/image_set.h"
#include "models/classifier.h"
#include "models/engine.h"

namespace gb {

inline constexpr std::size_t kMaxCostImages = 64;

PrecisionSupport precision_support(Precision precision, const torch::Device& device);
// UsageError "precision fp16 on cpu: ..." when precision_support refuses it.
void check_precision(Precision precision, const torch::Device& device);

// REQUIRES: `model` holds its final weights and sits on `device` (classifier.h's
// prepare_classifier).
std::unique_ptr<Classifier> prepare_for_session(std::unique_ptr<Classifier> model, Engine engine,
                                                Precision precision, const ImageSet& images,
                                                const torch::Device& device, bool real_weights,
                                                NumericCost* cost);

}  // namespace gb
