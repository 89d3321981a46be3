// Profile files given to a command (--profile): one per model and combination of lever values
// (engine, precision, threads: results/levers.h), attached to the configurations that need them
// (simulate and validate: every model; run and sweep: models with slo/offline policies).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "profile/profile.h"
#include "results/experiment_file.h"

namespace gb {

// "model 'alexnet' (engine=optimized, threads=2)": what tells profiles apart, its model and its
// levers off their baselines (two of one identity predict the same configurations).
std::string profile_identity(const ServiceProfile& p);

// Whether `p` serves a configuration of `spec`: the same model, and each lever's value accepted
// by Lever::serves (a lever the profile does not record counts as at its baseline).
bool profile_serves(const ServiceProfile& p, const RunSpec& spec);

// Loads each profile once, sets spec.profile of every configuration to the path of the profile
// that serves it (its model, and lever values that profile_serves accepts: a GPU setting
// included, since a profile predicts only the setting it was measured under), checks that every
// policy can be built (slo and offline need their model's profile), and returns the profiles by
// path. UsageError: two profiles of one model with the same lever values; two that serve one
// configuration (a grid without a thread count, and profiles at two counts); with
// `every_model`, a configuration that no profile serves (the message says what to profile).
std::map<std::string, ServiceProfile> attach_profiles(std::vector<Configuration>& configs,
                                                      const std::vector<std::string>& paths,
                                                      bool every_model);

}  // namespace gb
