// LoadedModel: a model loaded the one way every command loads it (an experiment's session, a
// server): torch's intra-op threads set before the model exists, the image set read, the model
// built (and its weights loaded), moved to its device, and its executor's buffers sized once.
//
// Lifetime: the executor refers to the model and the images, which the struct owns and declares
// first, so that they outlive it.
#pragma once

#include <torch/torch.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "common/device.h"
#include "inference/image_set.h"
#include "inference/model_executor.h"
#include "models/classifier.h"

namespace gb {

struct ModelLoad {
  ModelRef model;
  std::string weights;  // "" = none
  Device device;
  std::string images;  // folder; "" = the built-in set
  int threads = 0;     // torch's intra-op threads; 0 = default_threads()
  uint64_t seed = 1;   // a built-in's initialisation
  std::size_t max_batch = 1;
};

struct LoadedModel {
  std::unique_ptr<ImageSet> images;
  std::unique_ptr<Classifier> model;
  std::optional<torch::Device> device;
  std::unique_ptr<ModelExecutor> executor;
  std::string device_name;  // describe_device()
  int threads = 0;          // as torch runs them
};

// REQUIRES: !spec.model.is_noop(). Throws UsageError for a bad model, weights, device or images.
// `warn` gets a line when the threads exceed the CPUs this process may use.
LoadedModel load_model(const ModelLoad& spec,
                       const std::function<void(const std::string&)>& warn = {});

}  // namespace gb
