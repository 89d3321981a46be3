#include "models/classifier.h"

#include <torch/script.h>
#include <torch/serialize.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>

#include "common/errors.h"
#include "models/architectures.h"
#include "models/optimize.h"

namespace gb {
namespace {

using Entries = std::vector<std::pair<std::string, torch::Tensor>>;

std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

// A native network behind the Classifier interface.
class NativeClassifier final : public Classifier {
 public:
  NativeClassifier(std::string name, std::shared_ptr<arch::Network> network)
      : name_(std::move(name)), network_(std::move(network)) {
    network_->eval();
  }
  torch::Tensor forward(const torch::Tensor& images) override { return network_->forward(images); }
  void to(const torch::Device& device) override { network_->to(device); }
  std::string name() const override { return name_; }
  int64_t parameter_count() const override {
    int64_t n = 0;
    for (const auto& p : network_->parameters()) n += p.numel();
    return n;
  }
  Entries state() const override {
    Entries out;
    for (const auto& p : network_->named_parameters()) out.emplace_back(p.key(), p.value());
    for (const auto& b : network_->named_buffers()) out.emplace_back(b.key(), b.value());
    return out;
  }
  arch::Network& network() { return *network_; }

 private:
  std::string name_;
  std::shared_ptr<arch::Network> network_;
};

class TorchScriptClassifier final : public Classifier {
 public:
  TorchScriptClassifier(const std::string& path, torch::jit::Module module)
      : path_(path), module_(std::move(module)) {
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
  Entries state() const override {
    Entries out;
    for (const auto& p : module_.named_parameters()) out.emplace_back(p.name, p.value);
    for (const auto& b : module_.named_buffers()) out.emplace_back(b.name, b.value);
    return out;
  }
  const torch::jit::Module& module() const { return module_; }

 private:
  std::string path_;
  mutable torch::jit::Module module_;  // its accessors are non-const
};

using Factory = std::function<std::shared_ptr<arch::Network>()>;

// The built-ins' constructors, keyed by torchvision's function names.
const std::map<std::string, Factory, std::less<>>& factories() {
  static const std::map<std::string, Factory, std::less<>> table = {
      {"alexnet", arch::alexnet},
      {"shufflenet_v2_x0_5",
       [] {
         return arch::shufflenet_v2({24, 48, 96, 192, 1024});
       }},
      {"shufflenet_v2_x1_0",
       [] {
         return arch::shufflenet_v2({24, 116, 232, 464, 1024});
       }},
      {"resnet50", arch::resnet50},
      {"densenet121", arch::densenet121},
      {"convnext_tiny",
       [] {
         return arch::convnext({{96, 192, 3}, {192, 384, 3}, {384, 768, 9}, {768, 0, 3}});
       }},
      {"convnext_base",
       [] {
         return arch::convnext({{128, 256, 3}, {256, 512, 3}, {512, 1024, 27}, {1024, 0, 3}});
       }},
      {"vit_b_16", arch::vit_b_16},
  };
  return table;
}

torch::jit::Module load_script(const std::string& path) {
  if (!std::filesystem::is_regular_file(path)) {
    throw UsageError("model file '" + path + "' does not exist");
  }
  try {
    return torch::jit::load(path, torch::kCPU);
  } catch (const std::exception& e) {
    throw UsageError("'" + path + "' is not a loadable TorchScript file: " + first_line(e.what()));
  }
}

// The tensors of a weights file: a TorchScript archive (its parameters and buffers), or, failing
// that, a dict of name -> tensor written by torch.save(dict(model.state_dict()), path).
std::map<std::string, torch::Tensor> read_weights(const std::string& path) {
  if (!std::filesystem::is_regular_file(path)) {
    throw UsageError("weights file '" + path + "' does not exist");
  }
  std::map<std::string, torch::Tensor> out;
  std::string script_error;
  try {
    torch::jit::Module module = torch::jit::load(path, torch::kCPU);
    for (const auto& p : module.named_parameters()) out.emplace(p.name, p.value);
    for (const auto& b : module.named_buffers()) out.emplace(b.name, b.value);
    return out;
  } catch (const std::exception& e) {
    script_error = first_line(e.what());
  }
  try {
    std::ifstream in(path, std::ios::binary);
    std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const c10::IValue value = torch::pickle_load(bytes);
    if (value.isGenericDict()) {
      for (const auto& item : value.toGenericDict()) {
        if (item.key().isString() && item.value().isTensor()) {
          out.emplace(item.key().toStringRef(), item.value().toTensor());
        }
      }
      if (!out.empty()) return out;
    }
  } catch (const std::exception&) {
    // Not a pickled dict either; report the TorchScript failure, the documented format.
  }
  throw UsageError(
      "weights '" + path +
      "' are neither a TorchScript archive nor a saved dict of tensors: " + script_error);
}

std::string first_few(const std::vector<std::string>& names) {
  std::string out;
  for (std::size_t i = 0; i < names.size() && i < 5; ++i) out += (i ? ", " : "") + names[i];
  if (names.size() > 5) out += ", ... (" + std::to_string(names.size()) + " in all)";
  return out;
}

torch::ScalarType scalar_type(Precision precision) {
  switch (precision) {
    case Precision::kBf16:
      return torch::kBFloat16;
    case Precision::kFp16:
      return torch::kHalf;
    case Precision::kFp32:
      break;
  }
  return torch::kFloat32;
}

}  // namespace

std::unique_ptr<Classifier> make_classifier(const std::string& name_or_path, uint64_t seed) {
  return make_classifier(parse_model(name_or_path), seed);
}

std::unique_ptr<Classifier> make_classifier(const ModelRef& model, uint64_t seed) {
  if (model.is_file()) {
    return std::make_unique<TorchScriptClassifier>(model.name, load_script(model.name));
  }
  auto it = factories().find(model.name);
  if (it == factories().end())
    throw UsageError("model '" + model.name + "' is not loaded by libtorch");
  torch::manual_seed(seed);
  torch::NoGradGuard no_grad;  // initialisation writes parameters in place
  return std::make_unique<NativeClassifier>(model.name, it->second());
}

void load_weights(Classifier& model, const std::string& file) {
  std::map<std::string, torch::Tensor> theirs = read_weights(file);
  std::vector<std::string> missing, shape;
  std::vector<std::pair<torch::Tensor, torch::Tensor>> copies;
  for (auto& [name, ours] : model.state()) {
    auto it = theirs.find(name);
    if (it == theirs.end()) {
      missing.push_back(name);
      continue;
    }
    if (it->second.sizes() != ours.sizes()) {
      std::ostringstream why;
      why << name << " " << it->second.sizes() << " vs ours " << ours.sizes();
      shape.push_back(why.str());
    } else {
      copies.emplace_back(ours, it->second);
    }
    theirs.erase(it);
  }
  std::vector<std::string> unexpected;
  for (const auto& entry : theirs) unexpected.push_back(entry.first);
  if (!missing.empty() || !shape.empty() || !unexpected.empty()) {
    std::string why;
    if (!missing.empty()) why += "missing " + first_few(missing) + "; ";
    if (!unexpected.empty()) why += "unexpected " + first_few(unexpected) + "; ";
    if (!shape.empty()) why += "shape differs for " + first_few(shape) + "; ";
    why.resize(why.size() - 2);
    throw UsageError("weights '" + file + "' do not fit " + model.name() + ": " + why);
  }
  torch::NoGradGuard no_grad;
  for (auto& [ours, src] : copies) ours.copy_(src);
}

std::unique_ptr<Classifier> prepare_classifier(std::unique_ptr<Classifier> model, Engine engine,
                                               Precision precision) {
  const torch::ScalarType dtype = scalar_type(precision);
  const auto state = model->state();
  const torch::Device device =
      state.empty() ? torch::Device(torch::kCPU) : state[0].second.device();
  {
    // Only floating-point tensors: BatchNorm's counters stay integers, as torch's Module.to does.
    torch::NoGradGuard no_grad;
    for (const auto& [name, t] : state) {
      if (t.is_floating_point() && t.scalar_type() != dtype) t.set_data(t.to(dtype));
    }
  }
  if (engine == Engine::kEager) {
    return dtype == torch::kFloat32 ? std::move(model)
                                    : detail::cast_classifier(std::move(model), dtype);
  }
  // oneDNN's blocked layout serves fp32 on a CPU; everything else runs in channels_last.
  const bool mkldnn = detail::uses_onednn(dtype, device);
  if (!mkldnn) {
    torch::NoGradGuard no_grad;
    for (const auto& [name, t] : state) {
      if (t.dim() == 4) t.set_data(t.contiguous(at::MemoryFormat::ChannelsLast));
    }
  }
  torch::jit::Module script;
  if (auto* native = dynamic_cast<NativeClassifier*>(model.get())) {
    arch::Network& net = native->network();
    auto example =
        torch::zeros({1, 3, 224, 224}, torch::TensorOptions().dtype(dtype).device(device));
    if (!mkldnn) example = example.contiguous(at::MemoryFormat::ChannelsLast);
    script = detail::trace_network(
        net, [&](const torch::Tensor& x) { return net.forward(x); }, example);
  } else if (auto* file = dynamic_cast<TorchScriptClassifier*>(model.get())) {
    script = file->module();
  } else {
    throw std::invalid_argument("prepare_classifier: a classifier prepared already");
  }
  return detail::optimized_classifier(model->name(), model->parameter_count(),
                                      detail::optimize_script(script, dtype, device), dtype,
                                      !mkldnn);
}

}  // namespace gb
