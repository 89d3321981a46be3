// preflight: every check of a campaign's input that can fail, made before anything is written,
// so bad input is one line, exit 2, and nothing on disk (a sweep with a model file that is not
// TorchScript used to leave results.sqlite behind; a bad --weights left machine.json).
#pragma once

#include <vector>

#include "results/experiment_file.h"

namespace gb {

// For every distinct model: it names a built-in, noop or an existing TorchScript file that loads
// (parse_model, then the loader, on the CPU); its --weights file fits. For the settings shared by
// the configurations: the device exists, the images folder holds images, the meters open.
// Throws UsageError naming the problem.
void preflight(const std::vector<Configuration>& configs);

}  // namespace gb
