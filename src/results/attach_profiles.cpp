#include "results/attach_profiles.h"

#include <algorithm>

#include "batching/policy.h"
#include "common/errors.h"
#include "results/levers.h"

namespace gb {

std::string profile_identity(const ServiceProfile& p) {
  const std::string off = describe_levers(p.levers);
  return "model '" + p.model + "'" + (off.empty() ? "" : " (" + off + ")");
}

namespace {

// The command that would make the missing profile.
std::string profile_hint(const RunSpec& spec) {
  std::string options;
  for (const Lever& l : levers()) {
    const std::string v = l.get(spec);
    if (v == l.baseline) continue;
    std::string option(l.name);  // power_limit is --power-limit
    std::replace(option.begin(), option.end(), '_', '-');
    options += " --" + option + " " + v;
  }
  return "greenbatch profile --model " + spec.model.name + options + " --out FILE.json";
}

}  // namespace

bool profile_serves(const ServiceProfile& p, const RunSpec& spec) {
  if (p.model != spec.model.name) return false;
  for (const Lever& l : levers()) {
    const auto it = p.levers.find(std::string(l.name));
    const std::string measured = it != p.levers.end() ? it->second : std::string(l.baseline);
    if (!l.serves(measured, l.get(spec))) return false;
  }
  return true;
}

std::map<std::string, ServiceProfile> attach_profiles(std::vector<Configuration>& configs,
                                                      const std::vector<std::string>& paths,
                                                      bool every_model) {
  std::map<std::string, ServiceProfile> profiles;
  std::map<std::string, std::string> identities;  // identity -> path
  for (const std::string& path : paths) {
    if (profiles.count(path)) continue;  // the same file twice
    ServiceProfile p = ServiceProfile::load(path);
    const std::string identity = profile_identity(p);
    if (!identities.emplace(identity, path).second) {
      throw UsageError("two profiles of " + identity + " given (" + identities[identity] + " and " +
                       path + ")");
    }
    p.costs();  // its cost tables are checked whether or not a policy plans with them
    profiles.emplace(path, std::move(p));
  }
  for (Configuration& c : configs) {
    std::string found;
    for (const auto& [path, p] : profiles) {
      if (!profile_serves(p, c.spec)) continue;
      if (!found.empty()) {
        throw UsageError("profiles " + found + " and " + path + " both serve model '" +
                         c.spec.model.name +
                         "': give one, or name the thread count (--threads, `threads`)");
      }
      found = path;
    }
    if (!found.empty()) {
      c.spec.profile = found;
    } else if (every_model) {
      const std::string off = describe_levers(c.spec);
      // Profiles of the model at other lever values are named: a profile predicts only its own.
      std::string others;
      for (const auto& [path, p] : profiles) {
        if (p.model == c.spec.model.name) others += (others.empty() ? "" : ", ") + path;
      }
      const std::string with = !off.empty()      ? " with " + off
                               : !others.empty() ? " with every lever at its default"
                                                 : "";
      throw UsageError("no --profile for model '" + c.spec.model.name + "'" + with +
                       (others.empty() ? std::string()
                                       : " (" + others +
                                             " measured other lever values; a profile predicts "
                                             "only its own)") +
                       "; make one with: " + profile_hint(c.spec));
    }
    if (c.spec.policy.needs_costs() && found.empty()) {
      c.spec.policy.build();  // throws the policy's own "needs --profile" message
    }
  }
  return profiles;
}

}  // namespace gb
