#include "models/optimize.h"

#include <ATen/Context.h>
#include <torch/csrc/jit/frontend/tracer.h>

#include <stdexcept>

namespace gb::detail {
namespace {

// A TorchScript attribute name for a state_dict key: the graph refers to each tensor by name,
// and names with dots would read as submodules.
std::string attribute_name(const std::string& key) {
  std::string out = "p_";
  for (char c : key) out += (c == '.') ? '_' : c;
  return out;
}

class OptimizedClassifier final : public Classifier {
 public:
  OptimizedClassifier(std::string name, int64_t parameters, torch::jit::Module frozen,
                      torch::ScalarType dtype, bool channels_last)
      : name_(std::move(name)),
        parameters_(parameters),
        module_(std::move(frozen)),
        dtype_(dtype),
        channels_last_(channels_last) {}
  torch::Tensor forward(const torch::Tensor& images) override {
    torch::Tensor x = images.to(dtype_);
    if (channels_last_) x = x.contiguous(at::MemoryFormat::ChannelsLast);
    return module_.forward({x}).toTensor().to(torch::kFloat32);
  }
  void to(const torch::Device&) override {
    throw std::logic_error("an optimized classifier cannot move: prepare it on its device");
  }
  std::string name() const override { return name_; }
  int64_t parameter_count() const override { return parameters_; }
  std::vector<std::pair<std::string, torch::Tensor>> state() const override { return {}; }

 private:
  std::string name_;
  int64_t parameters_;
  torch::jit::Module module_;
  torch::ScalarType dtype_;
  bool channels_last_;
};

class CastClassifier final : public Classifier {
 public:
  CastClassifier(std::unique_ptr<Classifier> inner, torch::ScalarType dtype)
      : inner_(std::move(inner)), dtype_(dtype) {}
  torch::Tensor forward(const torch::Tensor& images) override {
    return inner_->forward(images.to(dtype_)).to(torch::kFloat32);
  }
  void to(const torch::Device& device) override { inner_->to(device); }
  std::string name() const override { return inner_->name(); }
  int64_t parameter_count() const override { return inner_->parameter_count(); }
  std::vector<std::pair<std::string, torch::Tensor>> state() const override {
    return inner_->state();
  }

 private:
  std::unique_ptr<Classifier> inner_;
  torch::ScalarType dtype_;
};

}  // namespace

torch::jit::Module trace_network(torch::nn::Module& network,
                                 const std::function<torch::Tensor(const torch::Tensor&)>& forward,
                                 const torch::Tensor& example) {
  torch::jit::Module m(c10::QualifiedName("__torch__.greenbatch.Traced"));
  m.register_attribute("training", c10::BoolType::get(), false);
  for (const auto& p : network.named_parameters()) {
    m.register_parameter(attribute_name(p.key()), p.value(), false);
  }
  for (const auto& b : network.named_buffers())
    m.register_buffer(attribute_name(b.key()), b.value());
  torch::NoGradGuard no_grad;
  // The signature pinned, so that a libtorch that changed it fails to compile rather than
  // taking `&m` as one of the flags (a pointer converts to bool).
  using TraceFn =
      std::pair<std::shared_ptr<torch::jit::tracer::TracingState>, torch::jit::Stack> (*)(
          torch::jit::Stack, const std::function<torch::jit::Stack(torch::jit::Stack)>&,
          std::function<std::string(const torch::autograd::Variable&)>, bool, bool,
          torch::jit::Module*, const std::vector<std::string>&);
  const TraceFn trace = &torch::jit::tracer::trace;
  auto traced = trace(
      {example},
      [&](torch::jit::Stack inputs) -> torch::jit::Stack {
        return {forward(inputs.at(0).toTensor())};
      },
      [](const torch::autograd::Variable&) { return std::string(); }, /*strict=*/true,
      /*force_outplace=*/false, &m, {});
  const auto method = c10::QualifiedName(*m.type()->name(), "forward");
  m.type()->addMethod(
      m._ivalue()->compilation_unit()->create_function(method, traced.first->graph));
  return m;
}

bool uses_onednn(torch::ScalarType dtype, const torch::Device& device) {
  return dtype == torch::kFloat32 && device.is_cpu() && at::hasMKLDNN();
}

torch::jit::Module optimize_script(const torch::jit::Module& module, torch::ScalarType dtype,
                                   const torch::Device& device) {
  torch::jit::Module m = module.clone();
  m.eval();
  if (uses_onednn(dtype, device)) {
    return torch::jit::optimize_for_inference(m);
  }
  return torch::jit::freeze(m);
}

std::unique_ptr<Classifier> optimized_classifier(std::string name, int64_t parameters,
                                                 torch::jit::Module frozen, torch::ScalarType dtype,
                                                 bool channels_last) {
  return std::make_unique<OptimizedClassifier>(std::move(name), parameters, std::move(frozen),
                                               dtype, channels_last);
}

std::unique_ptr<Classifier> cast_classifier(std::unique_ptr<Classifier> model,
                                            torch::ScalarType dtype) {
  return std::make_unique<CastClassifier>(std::move(model), dtype);
}

}  // namespace gb::detail
