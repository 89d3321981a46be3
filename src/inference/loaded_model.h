// LoadedModel: a model loaded the one way every command loads it (an experiment's session, a
// server): torch's intra-op threads set before the model exists, the image set read, the model
// built (and its weights loaded), moved to its device, converted to its engine and precision
// (their numeric cost measured on the images: inference/prepare.h), and its executor's buffers
// sized once.
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
#include "models/engine.h"

namespace gb {

struct ModelLoad {
  ModelRef model;
  std::string weights;  // "" = none
  Device device;
  std::string images;  // folder; "" = the built-in set
  int threads = 0;     // torch's intra-op threads; 0 = default_threads()
  uint64_t seed = 1;   // a built-in's initialisation
  std::size_t max_batch = 1;
  Engine engine = Engine::kEager;
  Precision precision = Precision::kFp32;
};

struct LoadedModel {
  std::unique_ptr<ImageSet> images;
  std::unique_ptr<Classifier> model;
  std::optional<torch::Device> device;
  std::unique_ptr<ModelExecutor> executor;
  std::string device_name;   // describe_device()
  int threads = 0;           // as torch runs them
  NumericCost numeric_cost;  // of the engine and precision against fp32 eager
};

// REQUIRES: !spec.model.is_noop(). Throws UsageError for a bad model, weights, device, images or
// a precision the device cannot run. `log` gets a warning when the threads exceed the CPUs this
// process may use or the precision is emulated, and a line on the engine's preparation and its
// numeric cost.
LoadedModel load_model(const ModelLoad& spec,
                       const std::function<void(const std::string&)>& log = {});

}  // namespace gb
