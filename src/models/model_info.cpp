#include "models/model_info.h"

#include <filesystem>

#include "common/errors.h"
#include "common/suggest.h"

namespace gb {

const std::vector<ModelInfo>& builtin_models() {
  // Parameters and acc@1: torchvision 0.14's weights enums (`num_params`, `_metrics`),
  // IMAGENET1K_V1 unless noted. GFLOPs: torchvision's documented `_ops` (multiply-accumulates of
  // one 224x224 forward pass), which tests/models' counting reproduces. Year: the architecture's
  // paper.
  static const std::vector<ModelInfo> models = {
      {"alexnet", 61100840, 0.714, 56.522, 2012,
       "ImageNet Classification with Deep Convolutional Neural Networks"},
      // ResNet: CVPR 2016 (arXiv 2015). Top-1 of IMAGENET1K_V2, torchvision's default weights;
      // the original V1 recipe reaches 76.130.
      {"resnet50", 25557032, 4.089, 80.858, 2016, "Deep Residual Learning for Image Recognition"},
      {"densenet121", 7978856, 2.834, 74.434, 2017, "Densely Connected Convolutional Networks"},
      {"shufflenet_v2_x0_5", 1366792, 0.040, 60.552, 2018,
       "ShuffleNet V2: Practical Guidelines for Efficient CNN Architecture Design"},
      {"shufflenet_v2_x1_0", 2278604, 0.145, 69.362, 2018,
       "ShuffleNet V2: Practical Guidelines for Efficient CNN Architecture Design"},
      // ViT: ICLR 2021 (arXiv 2020).
      {"vit_b_16", 86567656, 17.564, 81.072, 2021,
       "An Image is Worth 16x16 Words: Transformers for Image Recognition at Scale"},
      {"convnext_tiny", 28589128, 4.456, 82.520, 2022, "A ConvNet for the 2020s"},
      {"convnext_base", 88591464, 15.355, 84.062, 2022, "A ConvNet for the 2020s"},
  };
  return models;
}

const ModelInfo* find_builtin(std::string_view name) {
  for (const ModelInfo& m : builtin_models()) {
    if (m.name == name) return &m;
  }
  return nullptr;
}

ModelRef parse_model(std::string_view text) {
  ModelRef ref = classify_model(text);
  if (ref.is_file() && !std::filesystem::is_regular_file(ref.name)) {
    throw UsageError("model file '" + ref.name + "' does not exist");
  }
  return ref;
}

ModelRef served_model(std::string_view text) {
  const std::string name(text);
  if (name == "noop") return {ModelRef::Kind::kNoop, name};
  if (find_builtin(name)) return {ModelRef::Kind::kBuiltin, name};
  const bool ok = !name.empty() && name.size() <= 128 && name != "." && name != ".." &&
                  name.find_first_not_of(
                      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                      "0123456789_-.") == std::string::npos;
  if (!ok) {
    throw UsageError("model '" + name.substr(0, 130) +
                     "': a served model's name is 1 to 128 letters, digits, '_', '-' or '.'");
  }
  return {ModelRef::Kind::kServed, name};
}

ModelRef classify_model(std::string_view text) {
  const std::string name(text);
  if (name == "noop") return {ModelRef::Kind::kNoop, name};
  if (find_builtin(name)) return {ModelRef::Kind::kBuiltin, name};
  if (name.find('/') != std::string::npos || name.find('.') != std::string::npos) {
    return {ModelRef::Kind::kFile, name};
  }
  std::string known;
  std::vector<std::string> names{"noop"};
  for (const ModelInfo& m : builtin_models()) {
    known += m.name + ", ";
    names.push_back(m.name);
  }
  throw UsageError("unknown model '" + name + "'" + did_you_mean(name, names) +
                   " (known: " + known + "noop, or a TorchScript file such as model.pt)");
}

}  // namespace gb
