// InferenceService: one model served to many clients, batched by a policy over the live stream of
// their requests (runtime/live_queue.h) and run by the same executor as an offline run, so a
// request's images are decoded and preprocessed inside its batch. HTTP is not here
// (serving/http_frontend.h): infer() takes a parsed request and blocks its caller, a server
// thread, until the answer exists.
//
// The model takes exactly one input: "image", BYTES [N] (or [N, 1]) of encoded JPEG/PNG images,
// or "input", FP32 [N, 3, 224, 224], images already preprocessed as torchvision does. A request
// of N images occupies N consecutive places of the queue (the policy's batch sizes count images,
// as in an offline run), and may be split across batches. Outputs: "logits" FP32 [N, classes],
// or with parameters.top_k = k, "top_k_classes" INT64 [N, k] and "top_k_logits" FP32 [N, k].
// The noop model has no classes: its logits are [N, 0].
//
// Contract:
// - infer() throws oip::ProtocolError: 400 for a request the model cannot take (and for an image
//   that does not decode, found inside its batch: the rest of the batch is served), 503 at once
//   when the queue is full (options.max_queue images) or the service is draining, 504 when the
//   request is still queued request_timeout after `received` (one already in a batch finishes),
//   500 when the model itself fails (every request of that batch).
// - Response time runs from `received` (the caller stamps it once the body has been read).
// - drain() ends the stream: the policy flushes what is queued, every accepted request is answered,
//   and drain() returns once none is in flight; later requests get 503.
// - Every public method may be called from any thread.
//
// Lifetime: keeps `executor` (null for the noop model) and `monitor` (null without meters); both
// must outlive the service. The dispatcher thread runs from construction to destruction.
#pragma once

#include <atomic>
#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "batching/policy.h"
#include "inference/model_executor.h"
#include "runtime/live_queue.h"
#include "serving/energy_monitor.h"
#include "serving/metrics.h"
#include "serving/oip.h"

namespace gb {

struct ServiceOptions {
  std::string model_name;  // as clients name it in URLs
  std::size_t classes = 1000;
  std::size_t max_queue = 1024;  // images queued at once
  Nanos request_timeout{std::chrono::seconds(30)};
  bool energy_per_request = false;  // adds energy_j and energy_method to every response
  std::string policy;               // canonical spec, for metadata and logs
};

// What a served model's metadata says (GET /v2/models/{name}), as JSON.
nlohmann::ordered_json model_metadata(const ServiceOptions& options);

class InferenceService {
 public:
  InferenceService(ServiceOptions options, std::unique_ptr<BatchingPolicy> policy,
                   ModelExecutor* executor, EnergyMonitor* monitor);
  ~InferenceService();
  InferenceService(const InferenceService&) = delete;
  InferenceService& operator=(const InferenceService&) = delete;

  oip::InferResponse infer(const oip::InferRequest& request, SteadyClock::time_point received);
  void drain();
  bool draining() const { return draining_.load(); }
  // Counts a request that never reached infer() (a malformed body, an unknown model) under its
  // status, so that /metrics shows every answer.
  void count_status(int status);
  // Appends every metric family (docs/serving.md lists them).
  void write_metrics(PrometheusWriter& out) const;
  const ServiceOptions& options() const { return options_; }
  uint64_t answered() const;

  struct Pending;  // one request in flight (inference_service.cpp)

 private:
  class Batcher;  // the LiveBatchServer the dispatcher calls
  std::shared_ptr<Pending> admit(const oip::InferRequest& request, SteadyClock::time_point t);

  const ServiceOptions options_;
  std::unique_ptr<BatchingPolicy> policy_;
  ModelExecutor* executor_;
  EnergyMonitor* monitor_;
  LiveQueue queue_;
  std::unique_ptr<Batcher> batcher_;
  // By stream id (mod the ring's size): the request each queued image belongs to. Written with
  // the push that assigns the ids, under slots_mutex_, which the dispatcher takes to read them.
  std::mutex slots_mutex_;
  std::vector<std::pair<std::shared_ptr<Pending>, std::size_t>> slots_;
  std::atomic<bool> draining_{false};
  std::atomic<std::size_t> in_flight_{0};
  std::atomic<uint64_t> images_done_{0};
  std::atomic<uint64_t> batches_done_{0};
  mutable std::mutex status_mutex_;
  std::map<int, uint64_t> statuses_;
  Histogram response_s_, queue_wait_s_, batch_size_;
  std::thread dispatcher_;
};

}  // namespace gb
