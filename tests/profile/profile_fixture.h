// A profile with exactly known figures, shared by the profile and simulator tests.
#pragma once

#include <string>

#include "profile/profile.h"

namespace gb::testing {

// Service 10 ms + 5 ms per image; dynamic energy 1 J + 0.1 J per image; idle 20 W.
inline ServiceProfile linear_profile(const std::string& model = "m") {
  ServiceProfile p;
  p.model = model;
  p.device = "cpu";
  p.device_name = "test";
  p.energy_method = "rapl";
  p.idle_power_w = 20;
  for (std::size_t b : {1, 2, 4, 8, 16, 32, 64, 128}) {
    ProfiledBatch pb;
    pb.size = b;
    pb.service_mean_s = pb.service_p50_s = pb.service_p99_s = pb.service_max_s = 0.010 + 0.005 * b;
    pb.service_s = {pb.service_mean_s};
    pb.dynamic_j = 1.0 + 0.1 * b;
    pb.energy_j = pb.dynamic_j + 20 * pb.service_mean_s;
    pb.windows = pb.batches = 1;
    p.batches.push_back(pb);
  }
  return p;
}

}  // namespace gb::testing
