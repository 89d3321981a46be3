// The optimized engine's pieces (internal to gb_models; classifier.cpp's prepare_classifier is
// the public entry). Why this way, and what each step buys: docs/models.md, "Engines and
// precisions".
//
// Contract:
// - trace_network records `forward` (the network's, on `example`) as the `forward` method of a
//   new TorchScript module whose attributes are the network's own parameters and buffers (by
//   reference: the module keeps them alive, and `network` need not outlive it). The forward must
//   not read the batch size into a constant (views use -1, expand_as, empty_like): the graph then
//   serves every batch size, which the model tests check by tracing at batch 1 and comparing at
//   batch 2.
// - optimize_script freezes a copy of `module` (weights become constants, BatchNorm folds into
//   the convolution before it, exact algebra) and, for float32 on a CPU where libtorch has
//   oneDNN, runs convolutions and linear layers with their weights prepacked for oneDNN and the
//   activations between them in its blocked layout; each op oneDNN lacks (a channel shuffle,
//   a concatenation, a LayerNorm) runs in libtorch's own kernel, the tensor converted at that
//   op's edges only. Elsewhere (bf16, fp16, CUDA, no oneDNN) the frozen graph runs in
//   channels_last, which oneDNN's and cuDNN's convolutions take without reordering.
// - The returned classifier computes on `dtype` (inputs converted on entry, logits back to
//   float32 on exit, both inside forward), cannot be moved (to() throws std::logic_error) and has
//   no named state (its weights are constants of the graph): load weights before preparing.
#pragma once

#include <torch/script.h>

#include <memory>
#include <string>

#include "models/classifier.h"

namespace gb::detail {

torch::jit::Module trace_network(torch::nn::Module& network,
                                 const std::function<torch::Tensor(const torch::Tensor&)>& forward,
                                 const torch::Tensor& example);

// Whether the oneDNN pass applies: fp32 on a CPU whose libtorch has oneDNN (else channels_last).
bool uses_onednn(torch::ScalarType dtype, const torch::Device& device);

torch::jit::Module optimize_script(const torch::jit::Module& module, torch::ScalarType dtype,
                                   const torch::Device& device);

std::unique_ptr<Classifier> optimized_classifier(std::string name, int64_t parameters,
                                                 torch::jit::Module frozen, torch::ScalarType dtype,
                                                 bool channels_last);

// `model` computing on `dtype`: inputs converted on entry, logits back to float32 on exit.
std::unique_ptr<Classifier> cast_classifier(std::unique_ptr<Classifier> model,
                                            torch::ScalarType dtype);

}  // namespace gb::detail
