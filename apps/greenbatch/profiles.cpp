#include "profiles.h"

#include <set>

#include "batching/policy.h"
#include "common/errors.h"

namespace gb::cli {

std::map<std::string, ServiceProfile> load_profiles(const std::vector<std::string>& paths) {
  std::map<std::string, ServiceProfile> out;
  for (const std::string& path : paths) {
    ServiceProfile p = ServiceProfile::load(path);
    const std::string model = p.model;
    if (!out.emplace(model, std::move(p)).second) {
      throw UsageError("two profiles of model '" + model + "' given (" + path + ")");
    }
  }
  return out;
}

void attach_profiles(std::vector<Configuration>& configs, const std::vector<std::string>& paths,
                     bool every_model) {
  std::map<std::string, std::string> by_model;
  for (const std::string& path : paths) {
    const std::string model = ServiceProfile::load(path).model;
    if (!by_model.emplace(model, path).second) {
      throw UsageError("two profiles of model '" + model + "' given (" + path + ")");
    }
  }
  std::set<std::string> checked;
  for (Configuration& c : configs) {
    auto it = by_model.find(c.spec.model);
    if (it != by_model.end()) {
      c.spec.profile = it->second;
    } else if (every_model) {
      throw UsageError("no --profile for model '" + c.spec.model +
                       "' (make one with: greenbatch profile --model " + c.spec.model +
                       " --out FILE.json)");
    }
    const std::string key = c.spec.model + "|" + c.spec.policy;
    if (checked.insert(key).second) {
      parse_policy(c.spec.policy, load_costs(c.spec.profile, c.spec.model));
    }
  }
}

}  // namespace gb::cli
