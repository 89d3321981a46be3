// Image classifiers: built-in native C++ architectures whose parameter and buffer names are exactly
// torchvision's (so weights exported from torchvision load by name), and any TorchScript file.
//
// Contract: input float32 [N, 3, 224, 224], normalised as torchvision expects; output logits
// [N, 1000]. Models are in eval mode; callers hold an InferenceMode (or NoGradGuard) guard.
// Unknown names and mismatched weights are UsageErrors whose one-line message says what is wrong.
#pragma once

#include <torch/torch.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace gb {

class Classifier {
 public:
  virtual ~Classifier() = default;
  virtual torch::Tensor forward(const torch::Tensor& images) = 0;
  virtual void to(const torch::Device& device) = 0;
  virtual std::string name() const = 0;
  virtual int64_t parameter_count() const = 0;
  // Name -> tensor of every parameter and buffer, in torchvision's naming (state_dict order).
  virtual std::vector<std::pair<std::string, torch::Tensor>> state() const = 0;
};

// Published facts about a built-in architecture (torchvision's figures for its ImageNet weights).
struct ModelInfo {
  std::string name;
  int64_t parameters;
  double gflops;  // per 224x224 image
  double top1;    // ImageNet-1K acc@1, %
  int year;       // of the architecture's paper
  std::string paper;
};

const std::vector<ModelInfo>& builtin_models();  // in publication-year order
const ModelInfo* find_builtin(std::string_view name);

// A built-in name (randomly initialised from `seed`), or a path to a TorchScript file.
std::unique_ptr<Classifier> make_classifier(const std::string& name_or_path, uint64_t seed);

// Copies every parameter and buffer, by name, from a TorchScript archive (e.g.
// torch.jit.script(torchvision.models.alexnet(weights=...)).save("alexnet.pt")) into `model`.
// Missing, unexpected or differently shaped tensors are a UsageError naming the first few.
void load_weights(Classifier& model, const std::string& file);

}  // namespace gb
