// Published facts about the built-in architectures, torch-free so that reports and the simulator
// can use them without linking libtorch. The models themselves are in classifier.h.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace gb {

// Published facts about a built-in architecture (torchvision's figures for its ImageNet weights).
struct ModelInfo {
  std::string name;
  int64_t parameters;
  double gflops;  // per 224x224 image
  double top1;    // ImageNet-1K acc@1, %
  int year;       // of the architecture's paper
  std::string paper;
};

// The eight built-ins (alexnet, resnet50, densenet121, shufflenet_v2_x0_5, shufflenet_v2_x1_0,
// vit_b_16, convnext_tiny, convnext_base), in publication-year order.
const std::vector<ModelInfo>& builtin_models();
const ModelInfo* find_builtin(std::string_view name);  // nullptr if unknown

// A model as the user names it, classified by the one rule every command and the model loader
// share: "noop" is the no-op model (no decoding, no inference); a name in the built-in table is
// that architecture; anything holding a '/' or a '.' is a TorchScript file and must exist as a
// regular file; anything else is an unknown name.
// A model that a server elsewhere serves (greenbatch load against an http:// target) is named as
// the server names it: kServed, unless the name is noop's or a built-in's, which keep their kind
// so that reports know them.
struct ModelRef {
  enum class Kind { kBuiltin, kNoop, kFile, kServed };
  Kind kind = Kind::kBuiltin;
  std::string name;  // as given: the built-in's name, "noop", or the file's path

  bool is_file() const { return kind == Kind::kFile; }
  bool is_noop() const { return kind == Kind::kNoop; }
  bool operator==(const ModelRef& o) const { return name == o.name; }
  bool operator!=(const ModelRef& o) const { return !(*this == o); }
};
// UsageError "unknown model 'X' (known: ...)" or "model file 'X' does not exist".
ModelRef parse_model(std::string_view text);
// The same rule without looking at the disk, for a grid that names a model file that need not
// exist here (an experiment read back from a store): UsageError only for an unknown name.
ModelRef classify_model(std::string_view text);
// A name as an inference server serves it (1 to 128 letters, digits, '_', '-', '.'; it goes into
// the server's URLs): UsageError naming the rule otherwise.
ModelRef served_model(std::string_view text);

}  // namespace gb
