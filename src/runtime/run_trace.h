// What one real-time (or simulated) run recorded: timestamps only, in ns from the run's origin.
// Everything else (response times, percentiles, energy per image) is derived afterwards, off the
// hot path.
#pragma once

#include <cstddef>
#include <vector>

#include "common/time.h"

namespace gb {

struct BatchRecord {
  std::size_t first = 0;  // id of the batch's oldest request
  std::size_t size = 0;
  Nanos start{0};  // dispatch decision taken, executor called
  Nanos end{0};    // executor returned: every request of the batch is complete
};

struct RunTrace {
  std::vector<Nanos> scheduled;  // by request id: when it should have arrived
  std::vector<Nanos> released;   // by request id: when the issuer actually released it
  std::vector<BatchRecord> batches;
  Nanos end{0};                  // end of the last batch
  bool realtime_issuer = false;  // the issuer ran with real-time priority

  std::size_t requests() const { return scheduled.size(); }
  // Batch index of every request, derived from the contiguous batch ranges.
  std::vector<std::size_t> batch_of_requests() const;
};

}  // namespace gb
