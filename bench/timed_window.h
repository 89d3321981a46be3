// The timed window both model benchmarks use (models_bench.cpp, engine_bench.cpp).
#pragma once

#include <chrono>

#include "models/classifier.h"

namespace gb::bench {

// Calls `model` on `x` until at least `seconds` have passed and `min_calls` calls were made;
// returns calls per second (and the calls made in `calls_out`).
inline double timed_window(Classifier& model, const torch::Tensor& x, double seconds, int min_calls,
                           int* calls_out = nullptr) {
  using Clock = std::chrono::steady_clock;
  int calls = 0;
  const auto t0 = Clock::now();
  double elapsed = 0;
  do {
    model.forward(x);
    ++calls;
    elapsed = std::chrono::duration<double>(Clock::now() - t0).count();
  } while (elapsed < seconds || calls < min_calls);
  if (calls_out) *calls_out = calls;
  return calls / elapsed;
}

}  // namespace gb::bench
