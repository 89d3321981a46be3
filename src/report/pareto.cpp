#include "report/pareto.h"

#include <algorithm>
#include <numeric>

namespace gb {

std::vector<std::size_t> pareto_front(const std::vector<ConfigPoint>& points) {
  std::vector<std::size_t> idx(points.size());
  std::iota(idx.begin(), idx.end(), 0);
  // Sweep by energy (then response): a point is on the front when its response time is strictly
  // below every cheaper point's.
  std::sort(idx.begin(), idx.end(), [&](std::size_t a, std::size_t b) {
    const ConfigPoint &pa = points[a], &pb = points[b];
    if (pa.energy_per_image_j != pb.energy_per_image_j) {
      return pa.energy_per_image_j < pb.energy_per_image_j;
    }
    return pa.max_response_s < pb.max_response_s;
  });
  std::vector<std::size_t> front;
  for (std::size_t i : idx) {
    if (front.empty() || points[i].max_response_s < points[front.back()].max_response_s) {
      front.push_back(i);
    }
  }
  return front;
}

}  // namespace gb
