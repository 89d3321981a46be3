#include "results/attach_profiles.h"

#include "batching/policy.h"
#include "common/errors.h"
#include "results/levers.h"

namespace gb {
namespace {

// "model 'alexnet' (engine=optimized, threads=2)": a profile's identity, its levers off baseline.
std::string profile_identity(const ServiceProfile& p) {
  std::string off;
  for (const Lever& l : levers()) {
    const auto it = p.levers.find(std::string(l.name));
    if (it != p.levers.end() && it->second != l.baseline) {
      off += (off.empty() ? "" : ", ") + std::string(l.name) + "=" + it->second;
    }
  }
  return "model '" + p.model + "'" + (off.empty() ? "" : " (" + off + ")");
}

// The command that would make the missing profile.
std::string profile_hint(const RunSpec& spec) {
  std::string options;
  for (const Lever& l : levers()) {
    const std::string v = l.get(spec);
    if (v != l.baseline) options += " --" + std::string(l.name) + " " + v;
  }
  return "greenbatch profile --model " + spec.model.name + options + " --out FILE.json";
}

}  // namespace

bool profile_serves(const ServiceProfile& p, const SessionSpec& spec) {
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
      throw UsageError("no --profile for model '" + c.spec.model.name + "'" +
                       (off.empty() ? "" : " with " + off) +
                       " (make one with: " + profile_hint(c.spec) + ")");
    }
    if (c.spec.policy.needs_costs() && found.empty()) {
      c.spec.policy.build();  // throws the policy's own "needs --profile" message
    }
  }
  return profiles;
}

}  // namespace gb
