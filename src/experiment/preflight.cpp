#include "experiment/preflight.h"

#include <set>

#include "energy/meters.h"
#include "experiment/session.h"
#include "inference/image_set.h"
#include "inference/model_executor.h"
#include "models/classifier.h"
#include "models/model_info.h"

namespace gb {

void preflight(const std::vector<Configuration>& configs) {
  if (configs.empty()) return;
  std::set<std::string> checked;
  bool any_model = false;
  for (const Configuration& c : configs) {
    if (!checked.insert(c.spec.model + "|" + c.spec.weights).second) continue;
    const ModelRef ref = parse_model(c.spec.model);
    if (ref.is_noop()) continue;
    any_model = true;
    // Loading on the CPU catches a file that is not TorchScript and weights that do not fit,
    // at a cost of seconds; the session loads it again on its device.
    if (ref.is_file() || !c.spec.weights.empty()) {
      auto model = make_classifier(c.spec.model, c.spec.model_seed);
      if (!c.spec.weights.empty()) load_weights(*model, c.spec.weights);
    }
  }
  const RunSpec& b = configs.front().spec;
  if (any_model) {
    parse_device(b.device);
    if (!b.images.empty()) ImageSet::from_folder(b.images);
  }
  open_meters(meter_options(b));
}

}  // namespace gb
