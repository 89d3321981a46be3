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

#include "models/engine.h"
#include "models/model_info.h"

namespace gb {

class Classifier {
 public:
  virtual ~Classifier() = default;
  // The caller holds InferenceMode (or NoGradGuard); images live on the model's device.
  virtual torch::Tensor forward(const torch::Tensor& images) = 0;
  // Moves parameters and buffers; the model stays in eval mode.
  virtual void to(const torch::Device& device) = 0;
  // The built-in's name ("alexnet") or the TorchScript file's path as given.
  virtual std::string name() const = 0;
  virtual int64_t parameter_count() const = 0;
  // Every parameter and buffer under its state_dict name (torchvision's, for the built-ins);
  // the tensors share storage with the model, so copying into them loads weights.
  virtual std::vector<std::pair<std::string, torch::Tensor>> state() const = 0;
};

// A built-in name, randomly initialised from `seed` (torchvision's initialisation schemes; the
// cost of inference does not depend on the values), or a TorchScript file: anything containing
// '/', ending in .pt/.pth/.ts, or naming an existing file. Unknown names, missing files and
// unloadable files are UsageErrors; the unknown-name message lists the built-ins.
std::unique_ptr<Classifier> make_classifier(const std::string& name_or_path, uint64_t seed);
// The same for a parsed model (the noop model is not a classifier: UsageError).
std::unique_ptr<Classifier> make_classifier(const ModelRef& model, uint64_t seed);

// Copies every parameter and buffer, by name, into `model` from a TorchScript archive (e.g.
// torch.jit.script(torchvision.models.alexnet(weights="DEFAULT")).save("alexnet.pt")) or from a
// plain dict of tensors (torch.save(dict(model.state_dict()), path)). Missing, unexpected or
// differently shaped tensors are a UsageError naming the first few of each kind; then nothing is
// copied.
void load_weights(Classifier& model, const std::string& file);

// `model` ready to serve with `engine` at `precision` (models/engine.h): its floating-point
// weights converted to the precision, and for the optimized engine frozen into an inference graph
// (models/optimize.h says what that does, docs/models.md why). Whatever the precision, the
// prepared model takes float32 images and returns float32 logits: the conversions on the way in
// and out are part of its forward, and so of a batch's measured work. Eager at fp32 returns
// `model` itself.
// REQUIRES: `model` comes from make_classifier, holds its final weights and sits on its device: an
// optimized model cannot move (to() throws std::logic_error) and names no state. Precision
// support is the caller's to check (engine.h, PrecisionSupport).
std::unique_ptr<Classifier> prepare_classifier(std::unique_ptr<Classifier> model, Engine engine,
                                               Precision precision);

}  // namespace gb
