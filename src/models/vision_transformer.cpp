// ViT-B/16 as torchvision.models.vit_b_16: conv_proj, class_token, encoder.pos_embedding,
// encoder.layers.encoder_layer_N.{ln_1, self_attention.{in_proj_weight, in_proj_bias,
// out_proj.weight, out_proj.bias}, ln_2, mlp.{0,3}}, encoder.ln, heads.head.
//
// Attention: in inference, Python's nn.MultiheadAttention takes its fused fast path
// (torch._native_multi_head_attention); torch::nn::MultiheadAttention in C++ does not, so the
// block calls the same ATen op itself and keeps a composite path for training/autograd.
#include <cmath>

#include "models/architectures.h"

namespace gb::arch {
namespace {

namespace nn = torch::nn;

constexpr double kEps = 1e-6;

nn::LayerNorm layer_norm(int64_t dim) {
  return nn::LayerNorm(nn::LayerNormOptions({dim}).eps(kEps));
}

class SelfAttention final : public nn::Module {
 public:
  SelfAttention(int64_t dim, int64_t heads) : dim_(dim), heads_(heads) {
    in_proj_weight_ = register_parameter("in_proj_weight", torch::empty({3 * dim, dim}));
    in_proj_bias_ = register_parameter("in_proj_bias", torch::zeros({3 * dim}));
    out_proj_ = register_module("out_proj", nn::Linear(dim, dim));
    nn::init::xavier_uniform_(in_proj_weight_);  // as nn.MultiheadAttention._reset_parameters
    nn::init::zeros_(out_proj_->bias);
  }

  // x: [N, S, E], batch first.
  torch::Tensor forward(const torch::Tensor& x) {
    const bool needs_autograd = torch::GradMode::is_enabled() && in_proj_weight_.requires_grad();
    if (!is_training() && !needs_autograd) {
      return std::get<0>(at::_native_multi_head_attention(
          x, x, x, dim_, heads_, in_proj_weight_, in_proj_bias_, out_proj_->weight, out_proj_->bias,
          /*mask=*/{}, /*need_weights=*/false));
    }
    // -1 for the batch: a traced graph (models/optimize.h) must not hold the batch size.
    const int64_t s = x.size(1), head_dim = dim_ / heads_;
    auto qkv = torch::linear(x, in_proj_weight_, in_proj_bias_)
                   .view({-1, s, 3, heads_, head_dim})
                   .permute({2, 0, 3, 1, 4});  // [3, N, H, S, D]
    auto scores = torch::matmul(qkv[0], qkv[1].transpose(-2, -1)) / std::sqrt(double(head_dim));
    auto out = torch::matmul(torch::softmax(scores, -1), qkv[2]);  // [N, H, S, D]
    return out_proj_->forward(out.transpose(1, 2).reshape({-1, s, dim_}));
  }

 private:
  int64_t dim_, heads_;
  torch::Tensor in_proj_weight_, in_proj_bias_;
  nn::Linear out_proj_{nullptr};
};

class EncoderBlock final : public nn::Module {
 public:
  EncoderBlock(int64_t dim, int64_t heads, int64_t mlp_dim) {
    ln_1_ = register_module("ln_1", layer_norm(dim));
    attention_ = register_module("self_attention", std::make_shared<SelfAttention>(dim, heads));
    ln_2_ = register_module("ln_2", layer_norm(dim));
    auto mlp = add_scope(*this, "mlp");
    fc1_ = mlp->register_module("0", nn::Linear(dim, mlp_dim));
    fc2_ = mlp->register_module("3", nn::Linear(mlp_dim, dim));
    for (auto* fc : {&fc1_, &fc2_}) {  // as torchvision's MLPBlock
      nn::init::xavier_uniform_((*fc)->weight);
      nn::init::normal_((*fc)->bias, 0, 1e-6);
    }
  }

  torch::Tensor forward(const torch::Tensor& input) {
    // Dropout (p = 0) is the identity; the sums are torchvision's, made in place on temporaries.
    torch::Tensor x = attention_->forward(ln_1_->forward(input)).add_(input);
    torch::Tensor y = fc1_->forward(ln_2_->forward(x));
    y = fc2_->forward(torch::gelu(y));
    return y.add_(x);
  }

 private:
  nn::LayerNorm ln_1_{nullptr}, ln_2_{nullptr};
  std::shared_ptr<SelfAttention> attention_;
  nn::Linear fc1_{nullptr}, fc2_{nullptr};
};

class VisionTransformer final : public Network {
 public:
  VisionTransformer(int64_t image_size, int64_t patch, int64_t layers, int64_t heads, int64_t dim,
                    int64_t mlp_dim)
      : patch_(patch), dim_(dim) {
    const int64_t patches = (image_size / patch) * (image_size / patch);
    conv_proj_ =
        register_module("conv_proj", nn::Conv2d(nn::Conv2dOptions(3, dim, patch).stride(patch)));
    class_token_ = register_parameter("class_token", torch::zeros({1, 1, dim}));
    auto encoder = add_scope(*this, "encoder");
    pos_embedding_ =
        encoder->register_parameter("pos_embedding", torch::empty({1, patches + 1, dim}));
    auto scope = add_scope(*encoder, "layers");
    for (int64_t i = 0; i < layers; ++i) {
      layers_.push_back(
          scope->register_module("encoder_layer_" + std::to_string(i),
                                 std::make_shared<EncoderBlock>(dim, heads, mlp_dim)));
    }
    ln_ = encoder->register_module("ln", layer_norm(dim));
    head_ = add_scope(*this, "heads")->register_module("head", nn::Linear(dim, 1000));

    torch::NoGradGuard no_grad;
    pos_embedding_.normal_(0, 0.02);
    conv_proj_->weight.normal_(0, std::sqrt(1.0 / double(3 * patch * patch)));
    conv_proj_->bias.zero_();
    // torchvision zeroes the head, which would make every random model's logits 0; we keep the
    // default Linear initialisation so outputs depend on the input (weights do not affect cost).
  }

  torch::Tensor forward(const torch::Tensor& images) override {
    TORCH_CHECK(images.size(2) % patch_ == 0 && images.size(3) % patch_ == 0,
                "ViT: image size not divisible by the patch size");
    torch::Tensor x = conv_proj_->forward(images);  // [N, E, h, w]
    // Nothing reads the batch size, so a traced graph (models/optimize.h) serves any.
    x = x.flatten(2).permute({0, 2, 1});
    x = torch::cat({class_token_.expand_as(x.narrow(1, 0, 1)), x}, 1);
    x = x + pos_embedding_;
    for (const auto& layer : layers_) x = layer->forward(x);
    x = ln_->forward(x);
    return head_->forward(x.select(1, 0));
  }

 private:
  int64_t patch_, dim_;
  nn::Conv2d conv_proj_{nullptr};
  torch::Tensor class_token_, pos_embedding_;
  std::vector<std::shared_ptr<EncoderBlock>> layers_;
  nn::LayerNorm ln_{nullptr};
  nn::Linear head_{nullptr};
};

}  // namespace

std::shared_ptr<Network> vit_b_16() {
  return std::make_shared<VisionTransformer>(224, 16, 12, 12, 768, 3072);
}

}  // namespace gb::arch
