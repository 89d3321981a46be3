// Profile files given to a command (--profile): one per model, attached to the configurations that
// need them (simulate and validate: every model; run and sweep: models with slo/offline policies).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "profile/profile.h"
#include "results/experiment_file.h"

namespace gb {

// Loads each profile once (two profiles of one model are a UsageError), sets spec.profile of
// every configuration whose model has one (with `every_model`, a model without one is a
// UsageError), checks that every policy can be built (slo and offline need their model's
// profile), and returns the profiles by model. With `every_model`, a configuration whose GPU
// setting (power limit, clocks) is not its profile's is a UsageError too: one profile per model
// predicts one setting.
std::map<std::string, ServiceProfile> attach_profiles(std::vector<Configuration>& configs,
                                                      const std::vector<std::string>& paths,
                                                      bool every_model);

}  // namespace gb
