#include "models/classifier.h"

#include <torch/script.h>

#include <filesystem>
#include <functional>
#include <map>

#include "common/errors.h"
#include "models/architectures.h"

namespace gb {
namespace {

// A native torch::nn module behind the Classifier interface.
template <typename Holder>
class NativeClassifier final : public Classifier {
 public:
  NativeClassifier(std::string name, Holder module) : name_(std::move(name)), module_(module) {
    module_->eval();
  }
  torch::Tensor forward(const torch::Tensor& images) override { return module_->forward(images); }
  void to(const torch::Device& device) override { module_->to(device); }
  std::string name() const override { return name_; }
  int64_t parameter_count() const override {
    int64_t n = 0;
    for (const auto& p : module_->parameters()) n += p.numel();
    return n;
  }
  std::vector<std::pair<std::string, torch::Tensor>> state() const override {
    std::vector<std::pair<std::string, torch::Tensor>> out;
    for (const auto& p : module_->named_parameters()) out.emplace_back(p.key(), p.value());
    for (const auto& b : module_->named_buffers()) out.emplace_back(b.key(), b.value());
    return out;
  }

 private:
  std::string name_;
  Holder module_;
};

class TorchScriptClassifier final : public Classifier {
 public:
  explicit TorchScriptClassifier(const std::string& path) : path_(path) {
    try {
      module_ = torch::jit::load(path);
    } catch (const std::exception& e) {
      throw UsageError("'" + path + "' is not a loadable TorchScript file: " +
                       std::string(e.what()).substr(0, std::string(e.what()).find('\n')));
    }
    module_.eval();
  }
  torch::Tensor forward(const torch::Tensor& images) override {
    return module_.forward({images}).toTensor();
  }
  void to(const torch::Device& device) override { module_.to(device); }
  std::string name() const override { return path_; }
  int64_t parameter_count() const override {
    int64_t n = 0;
    for (const auto& p : module_.parameters()) n += p.numel();
    return n;
  }
  std::vector<std::pair<std::string, torch::Tensor>> state() const override {
    std::vector<std::pair<std::string, torch::Tensor>> out;
    for (const auto& p : module_.named_parameters()) out.emplace_back(p.name, p.value);
    for (const auto& b : module_.named_buffers()) out.emplace_back(b.name, b.value);
    return out;
  }

 private:
  std::string path_;
  mutable torch::jit::Module module_;
};

using Factory = std::function<std::unique_ptr<Classifier>()>;

const std::map<std::string, Factory>& factories() {
  static const std::map<std::string, Factory> table = {
      {"alexnet",
       [] {
         return std::make_unique<NativeClassifier<arch::AlexNet>>("alexnet", arch::AlexNet());
       }},
      {"shufflenet_v2_x0_5",
       [] {
         return std::make_unique<NativeClassifier<arch::ShuffleNetV2>>(
             "shufflenet_v2_x0_5", arch::ShuffleNetV2(std::vector<int64_t>{24, 48, 96, 192, 1024}));
       }},
      {"shufflenet_v2_x1_0",
       [] {
         return std::make_unique<NativeClassifier<arch::ShuffleNetV2>>(
             "shufflenet_v2_x1_0",
             arch::ShuffleNetV2(std::vector<int64_t>{24, 116, 232, 464, 1024}));
       }},
  };
  return table;
}

std::string first_few(const std::vector<std::string>& names) {
  std::string out;
  for (std::size_t i = 0; i < names.size() && i < 5; ++i) out += (i ? ", " : "") + names[i];
  if (names.size() > 5) out += ", ... (" + std::to_string(names.size()) + " in all)";
  return out;
}

}  // namespace

const std::vector<ModelInfo>& builtin_models() {
  // torchvision 0.14's published figures for its ImageNet-1K weights (num_params, acc@1, GFLOPS).
  static const std::vector<ModelInfo> models = {
      {"alexnet", 61100840, 0.71, 56.522, 2012,
       "ImageNet Classification with Deep Convolutional Neural Networks"},
      {"shufflenet_v2_x0_5", 1366792, 0.04, 60.552, 2018,
       "ShuffleNet V2: Practical Guidelines for Efficient CNN Architecture Design"},
      {"shufflenet_v2_x1_0", 2278604, 0.14, 69.362, 2018,
       "ShuffleNet V2: Practical Guidelines for Efficient CNN Architecture Design"},
  };
  return models;
}

const ModelInfo* find_builtin(std::string_view name) {
  for (const ModelInfo& m : builtin_models()) {
    if (m.name == name) return &m;
  }
  return nullptr;
}

std::unique_ptr<Classifier> make_classifier(const std::string& name_or_path, uint64_t seed) {
  auto it = factories().find(name_or_path);
  if (it != factories().end()) {
    torch::manual_seed(seed);
    return it->second();
  }
  if (std::filesystem::is_regular_file(name_or_path)) {
    return std::make_unique<TorchScriptClassifier>(name_or_path);
  }
  std::string known;
  for (const ModelInfo& m : builtin_models()) known += m.name + ", ";
  throw UsageError("unknown model '" + name_or_path + "' (known: " + known +
                   "noop, or a TorchScript file such as model.pt)");
}

void load_weights(Classifier& model, const std::string& file) {
  TorchScriptClassifier source(file);
  std::map<std::string, torch::Tensor> theirs;
  for (auto& [name, tensor] : source.state()) theirs.emplace(name, tensor);
  std::vector<std::string> missing, shape;
  std::vector<std::pair<torch::Tensor, torch::Tensor>> copies;
  for (auto& [name, ours] : model.state()) {
    auto it = theirs.find(name);
    if (it == theirs.end()) {
      missing.push_back(name);
      continue;
    }
    if (it->second.sizes() != ours.sizes()) {
      shape.push_back(name);
    } else {
      copies.emplace_back(ours, it->second);
    }
    theirs.erase(it);
  }
  std::vector<std::string> unexpected;
  for (const auto& [name, t] : theirs) unexpected.push_back(name);
  if (!missing.empty() || !shape.empty() || !unexpected.empty()) {
    std::string why;
    if (!missing.empty()) why += "missing " + first_few(missing) + "; ";
    if (!unexpected.empty()) why += "unexpected " + first_few(unexpected) + "; ";
    if (!shape.empty()) why += "shape differs for " + first_few(shape) + "; ";
    why.resize(why.size() - 2);
    throw UsageError("weights '" + file + "' do not fit " + model.name() + ": " + why);
  }
  torch::NoGradGuard no_grad;
  for (auto& [ours, src] : copies) ours.copy_(src.to(ours.device(), ours.scalar_type()));
}

}  // namespace gb
