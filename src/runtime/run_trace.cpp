#include "runtime/run_trace.h"

namespace gb {

std::vector<std::size_t> RunTrace::batch_of_requests() const {
  std::vector<std::size_t> batch_of(scheduled.size(), 0);
  for (std::size_t b = 0; b < batches.size(); ++b) {
    for (std::size_t i = 0; i < batches[b].size; ++i) batch_of[batches[b].first + i] = b;
  }
  return batch_of;
}

}  // namespace gb
