#include "inference/loaded_model.h"

#include <ATen/Parallel.h>
#include <fmt/format.h>

#include "common/cpus.h"
#include "inference/prepare.h"

namespace gb {

LoadedModel load_model(const ModelLoad& spec,
                       const std::function<void(const std::string&)>& log_fn) {
  const auto log = [&](const std::string& line) {
    if (log_fn) log_fn(line);
  };
  LoadedModel m;
  // Before the model exists: torch sizes its pools at the first parallel region.
  at::set_num_threads(spec.threads > 0 ? spec.threads : static_cast<int>(default_threads()));
  m.threads = at::get_num_threads();
  if (spec.threads > 0 && static_cast<std::size_t>(spec.threads) > usable_cpus()) {
    log("warning: " + std::to_string(spec.threads) +
        " threads exceed the CPUs this process may use, " + cpu_limits().describe() +
        ": they take turns, and service times grow");
  }
  m.device = torch_device(spec.device);
  m.images = std::make_unique<ImageSet>(spec.images.empty() ? ImageSet::builtin()
                                                            : ImageSet::from_folder(spec.images));
  m.model = make_classifier(spec.model, spec.seed);
  if (!spec.weights.empty()) load_weights(*m.model, spec.weights);
  m.model->to(*m.device);
  const std::string precision(precision_label(spec.precision));
  const PrecisionSupport support = precision_support(spec.precision, *m.device);
  if (support.usable && !support.native) {
    log("warning: " + precision + " is emulated here: " + support.why);
  }
  if (spec.engine != Engine::kEager || spec.precision != Precision::kFp32) {
    log(fmt::format("preparing the {} engine at {}", engine_label(spec.engine), precision));
  }
  m.model = prepare_for_session(std::move(m.model), spec.engine, spec.precision, *m.images,
                                *m.device, !spec.weights.empty(), &m.numeric_cost);
  if (m.numeric_cost.max_abs_diff > 0) {
    log(numeric_cost_text(spec.engine, spec.precision, m.numeric_cost));
  }
  m.device_name = describe_device(*m.device);
  m.executor = std::make_unique<ModelExecutor>(*m.model, *m.images, *m.device, spec.max_batch);
  return m;
}

}  // namespace gb
