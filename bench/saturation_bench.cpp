// Saturation (design.md section 7): with a real model and requests arriving faster than the machine
// can serve, how many images/s does the harness deliver, compared with a bare loop that calls the
// same model at the same batch size (a) on preprocessed batches and (b) with the same per-image
// decode + preprocessing the harness does? Target: harness >= 95 % of (b)'s rate, the loop doing
// the same work; (a) shows what preprocessing itself costs on this CPU.
//
// Usage: saturation_bench [model] [batch] [seconds]   (defaults: shufflenet_v2_x0_5 32 10)
#include <fmt/format.h>

#include <cstdlib>

#include "batching/policy.h"
#include "inference/image_set.h"
#include "inference/model_executor.h"
#include "models/classifier.h"
#include "runtime/stream_runner.h"
#include "workload/arrivals.h"

using namespace gb;

namespace {

double seconds_since(SteadyClock::time_point t0) { return to_seconds(SteadyClock::now() - t0); }

// Images/s of `fn(first)` called repeatedly on batches of `batch` for about `seconds`.
template <typename Fn>
double loop_rate(std::size_t batch, double seconds, Fn fn) {
  const auto t0 = SteadyClock::now();
  std::size_t images = 0;
  while (seconds_since(t0) < seconds) {
    fn(images);
    images += batch;
  }
  return static_cast<double>(images) / seconds_since(t0);
}

}  // namespace

int main(int argc, char** argv) {
  const std::string model_name = argc > 1 ? argv[1] : "shufflenet_v2_x0_5";
  const std::size_t batch = argc > 2 ? std::strtoul(argv[2], nullptr, 10) : 32;
  const double seconds = argc > 3 ? std::atof(argv[3]) : 10;
  const ImageSet images = ImageSet::builtin();
  auto model = make_classifier(model_name, 1);
  ModelExecutor exec(*model, images, torch::Device(torch::kCPU), batch);
  exec.warm_up(3, batch);

  c10::InferenceMode guard;
  const torch::Tensor ready = exec.preprocess(0, batch).clone();
  const double bare_preprocessed =
      loop_rate(batch, seconds, [&](std::size_t) { exec.infer(ready); });
  const double bare_full =
      loop_rate(batch, seconds, [&](std::size_t first) { exec.execute(first, batch); });

  // The harness, saturated: every request is queued from the start (offline), so greedy always
  // forms full batches. (Arrivals at a multiple of the bare rate are not enough: greedy then forms
  // small batches, which on a CPU can be several times cheaper per image than full ones.)
  const std::size_t requests = static_cast<std::size_t>(bare_full * seconds) / batch * batch;
  const auto schedule = generate_schedule(parse_arrival("offline", 0), requests, 1);
  auto policy = parse_policy("greedy:" + std::to_string(batch));
  StreamRunner runner;
  const RunTrace trace =
      runner.run(schedule, *policy, exec, SteadyClock::now() + std::chrono::milliseconds(2));
  // Served rate over the saturated part: from the first batch's start to the last batch's end.
  const double served = static_cast<double>(requests) /
                        to_seconds(trace.batches.back().end - trace.batches.front().start);

  fmt::print("model {} batch {} on cpu ({} threads), {:.0f} s per measurement\n", model_name, batch,
             at::get_num_threads(), seconds);
  fmt::print("  harness: {} requests in {} batches (mean {:.1f})\n", requests, trace.batches.size(),
             static_cast<double>(requests) / trace.batches.size());
  fmt::print("  bare loop, preprocessed batches : {:8.1f} images/s\n", bare_preprocessed);
  fmt::print("  bare loop, decode+preprocess    : {:8.1f} images/s\n", bare_full);
  fmt::print(
      "  harness (greedy:{}, saturated)  : {:8.1f} images/s  = {:.1f} % of the same-work loop, "
      "{:.1f} % of the preprocessed loop\n",
      batch, served, 100 * served / bare_full, 100 * served / bare_preprocessed);
  return 0;
}
