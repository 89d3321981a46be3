#include "results/attach_profiles.h"

#include <memory>
#include <set>

#include "batching/policy.h"
#include "common/errors.h"

namespace gb {

std::map<std::string, ServiceProfile> attach_profiles(std::vector<Configuration>& configs,
                                                      const std::vector<std::string>& paths,
                                                      bool every_model) {
  std::map<std::string, ServiceProfile> profiles;
  std::map<std::string, std::string> path_of;
  std::map<std::string, std::shared_ptr<const BatchCosts>> costs_of;
  for (const std::string& path : paths) {
    ServiceProfile p = ServiceProfile::load(path);
    const std::string model = p.model;
    if (profiles.count(model)) {
      throw UsageError("two profiles of model '" + model + "' given (" + path + ")");
    }
    costs_of[model] = p.costs();
    path_of[model] = path;
    profiles.emplace(model, std::move(p));
  }
  for (Configuration& c : configs) {
    auto it = path_of.find(c.spec.model.name);
    if (it != path_of.end()) {
      c.spec.profile = it->second;
      const GpuSetting& measured = profiles.at(c.spec.model.name).gpu;
      if (every_model && c.spec.gpu != measured) {
        throw UsageError("a configuration of '" + c.spec.model.name + "' names the GPU setting " +
                         c.spec.gpu.label() + ", and its profile " + it->second +
                         " was measured at " + measured.label() +
                         ": a profile predicts only its own setting (greenbatch profile "
                         "--power-limit / --gpu-clocks measures another)");
      }
    } else if (every_model) {
      throw UsageError("no --profile for model '" + c.spec.model.name +
                       "' (make one with: greenbatch profile --model " + c.spec.model.name +
                       " --out FILE.json)");
    }
    if (c.spec.policy.needs_costs() && !costs_of.count(c.spec.model.name)) {
      c.spec.policy.build();  // throws the policy's own "needs --profile" message
    }
  }
  return profiles;
}

}  // namespace gb
