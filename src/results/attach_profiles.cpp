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
