// ModelExecutor: serves a batch the way the paper's testbed does, all inside the measured time:
// for each request decode its image (request i uses image i mod images.size(), from the encoded
// bytes in memory), resize/crop/normalise it (preprocess_into), stack the batch, move it to the
// device, run the model, and on CUDA synchronise before returning, so a batch's end timestamp is
// when its results exist. Decoding a batch is spread over torch's intra-op thread pool. Why
// decoding is part of the measured work: docs/architecture.md.
//
// Contract: one thread at a time; the host batch buffer is allocated once, for `max_batch`
// images (pinned on CUDA), and reused by every batch.
//
// Lifetime: keeps `model` and `images` by reference; both must outlive the executor. `model` must
// already be on `device`.
#pragma once

#include <torch/torch.h>

#include <functional>
#include <memory>

#include "common/device.h"
#include "inference/image_set.h"
#include "models/classifier.h"
#include "runtime/batch_executor.h"

namespace gb {

// Parses "cpu", "cuda", "cuda:N"; UsageError if unknown or if CUDA is asked for and absent.
torch::Device parse_device(const std::string& text);
// The same for a parsed device: UsageError if CUDA is asked for and absent.
torch::Device torch_device(const Device& device);
// A human-readable name: "cpu (2 threads)" or the CUDA device's name.
std::string describe_device(const torch::Device& device);

class ModelExecutor final : public BatchExecutor {
 public:
  // REQUIRES: `images` is not empty.
  ModelExecutor(Classifier& model, const ImageSet& images, torch::Device device,
                std::size_t max_batch);
  // A count above max_batch is a c10::Error.
  void execute(std::size_t first, std::size_t count) override;
  // Runs `batches` batches of `batch_size` (at most max_batch) through the full path; not recorded
  // anywhere.
  void warm_up(std::size_t batches, std::size_t batch_size);
  // The preprocessed batch for requests [first, first + count), on the host (for benchmarks): a
  // view of the executor's buffer, overwritten by the next preprocess() or execute().
  torch::Tensor preprocess(std::size_t first, std::size_t count);
  // Serves a batch whose images are not the image set's (a server's requests): `fill(k, out)`
  // writes image k's 3 x 224 x 224 floats (decoding and preprocessing it, or copying a tensor a
  // client preprocessed), for k < count, from any of torch's intra-op threads, inside the batch
  // as execute() does. Returns the logits, [count, classes] float32 on the host, valid until the
  // next call. An exception from `fill` propagates after the pool has finished.
  // REQUIRES: 1 <= count <= max_batch.
  torch::Tensor classify(std::size_t count, const std::function<void(std::size_t, float*)>& fill);
  // Model only, on an already preprocessed host batch (for benchmarks).
  // REQUIRES: the caller holds an InferenceMode (or NoGradGuard) guard, as Classifier requires.
  void infer(const torch::Tensor& host_batch);

 private:
  // Writes images [0, count) of the host buffer with `fill`, spread over torch's pool.
  torch::Tensor fill_batch(std::size_t count, const std::function<void(std::size_t, float*)>& fill);

  Classifier& model_;
  const ImageSet& images_;
  torch::Device device_;
  torch::Tensor host_batch_;  // [max_batch, 3, 224, 224] float32, pinned when the device is CUDA
};

}  // namespace gb
