// The Pareto front of configurations on (energy per image, max response time), both minimised: a
// configuration is on the front when no other is at least as good on both and better on one.
#pragma once

#include <cstddef>
#include <vector>

#include "report/points.h"

namespace gb {

// Indices into `points` of the front, sorted by energy per image (ascending).
std::vector<std::size_t> pareto_front(const std::vector<ConfigPoint>& points);

}  // namespace gb
