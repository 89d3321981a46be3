#include "inference/model_executor.h"

#include <ATen/Parallel.h>
#include <torch/cuda.h>

#include "common/device.h"
#include "common/errors.h"
#include "inference/image.h"
#include "inference/preprocess.h"

namespace gb {

torch::Device parse_device(const std::string& text) { return torch_device(Device::parse(text)); }

torch::Device torch_device(const Device& d) {
  const std::string& text = d.text;
  if (!d.is_cuda()) return torch::Device(torch::kCPU);
  if (!torch::cuda::is_available()) {
    throw UsageError("device '" + text + "' requested, but " +
                     (torch::cuda::device_count() == 0 ? std::string("no CUDA device is visible")
                                                       : std::string("CUDA is unavailable")) +
                     " to this libtorch");
  }
  if (d.index >= static_cast<int>(torch::cuda::device_count())) {
    throw UsageError("device '" + text + "': only " + std::to_string(torch::cuda::device_count()) +
                     " CUDA device(s) visible");
  }
  return torch::Device(torch::kCUDA, static_cast<c10::DeviceIndex>(d.index));
}

std::string describe_device(const torch::Device& device) {
  if (device.is_cpu()) {
    const int n = at::get_num_threads();
    return "cpu (" + std::to_string(n) + (n == 1 ? " thread)" : " threads)");
  }
  return "cuda:" + std::to_string(device.index());
}

ModelExecutor::ModelExecutor(Classifier& model, const ImageSet& images, torch::Device device,
                             std::size_t max_batch)
    : model_(model), images_(images), device_(device) {
  auto options = torch::TensorOptions().dtype(torch::kFloat32);
  if (device_.is_cuda()) options = options.pinned_memory(true);
  host_batch_ = torch::empty({static_cast<int64_t>(max_batch), 3, kCropSize, kCropSize}, options);
}

torch::Tensor ModelExecutor::fill_batch(std::size_t count,
                                        const std::function<void(std::size_t, float*)>& fill) {
  TORCH_CHECK(count >= 1 && static_cast<int64_t>(count) <= host_batch_.size(0),
              "batch of " + std::to_string(count) + " outside the 1.." +
                  std::to_string(host_batch_.size(0)) + " allocated");
  float* base = host_batch_.data_ptr<float>();
  constexpr int64_t kImageFloats = 3 * kCropSize * kCropSize;
  at::parallel_for(0, static_cast<int64_t>(count), 1, [&](int64_t begin, int64_t end) {
    for (int64_t k = begin; k < end; ++k)
      fill(static_cast<std::size_t>(k), base + k * kImageFloats);
  });
  return host_batch_.narrow(0, 0, static_cast<int64_t>(count));
}

torch::Tensor ModelExecutor::preprocess(std::size_t first, std::size_t count) {
  const std::size_t n_images = images_.size();
  return fill_batch(count, [&](std::size_t k, float* out) {
    const std::size_t index = (first + k) % n_images;
    const auto& bytes = images_.bytes(index);
    preprocess_into(decode_image(bytes.data(), bytes.size(), images_.name(index)), out);
  });
}

void ModelExecutor::infer(const torch::Tensor& host_batch) {
  torch::Tensor input =
      device_.is_cuda() ? host_batch.to(device_, /*non_blocking=*/true) : host_batch;
  torch::Tensor logits = model_.forward(input);
  if (device_.is_cuda()) torch::cuda::synchronize(device_.index());
}

torch::Tensor ModelExecutor::classify(std::size_t count,
                                      const std::function<void(std::size_t, float*)>& fill) {
  c10::InferenceMode guard;
  const torch::Tensor batch = fill_batch(count, fill);
  torch::Tensor input = device_.is_cuda() ? batch.to(device_, /*non_blocking=*/true) : batch;
  // On CUDA the copy back synchronises: the batch ends when its logits are on the host.
  return model_.forward(input).to(torch::kCPU, torch::kFloat32).contiguous();
}

void ModelExecutor::execute(std::size_t first, std::size_t count) {
  c10::InferenceMode guard;
  infer(preprocess(first, count));
}

void ModelExecutor::warm_up(std::size_t batches, std::size_t batch_size) {
  batch_size = std::min<std::size_t>(batch_size, static_cast<std::size_t>(host_batch_.size(0)));
  for (std::size_t b = 0; b < batches; ++b) execute(b * batch_size, batch_size);
}

}  // namespace gb
