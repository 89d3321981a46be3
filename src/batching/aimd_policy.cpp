#include "batching/aimd_policy.h"

#include <algorithm>

#include "common/parse.h"

namespace gb {

AimdPolicy::AimdPolicy(Nanos slo, std::size_t step, std::size_t max)
    : slo_(slo), step_(step), max_(max) {}

Decision AimdPolicy::decide(const QueueView& queue, Nanos) {
  if (queue.empty()) return Decision::wait_for_arrival();
  return Decision::dispatch(std::min(queue.size(), cap_));
}

void AimdPolicy::on_batch_done(const BatchFeedback& f) {
  if (f.end - f.start > slo_) {
    const std::size_t cut = cap_ * 9 / 10;
    cap_ = std::max<std::size_t>(1, std::min(cut, cap_ - 1));
  } else if (f.size >= cap_) {
    cap_ = std::min(max_, cap_ + step_);
  }
}

std::string AimdPolicy::describe() const {
  std::string s = "aimd:slo=" + format_duration(slo_);
  if (step_ != 1) s += ",step=" + std::to_string(step_);
  if (max_ != 128) s += ",max=" + std::to_string(max_);
  return s;
}

std::unique_ptr<BatchingPolicy> AimdPolicy::clone() const {
  return std::make_unique<AimdPolicy>(slo_, step_, max_);
}

}  // namespace gb
