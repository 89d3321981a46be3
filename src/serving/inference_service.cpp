#include "serving/inference_service.h"

#include <fmt/format.h>

#include <algorithm>
#include <condition_variable>
#include <cstring>
#include <numeric>

#include "common/parse.h"
#include "inference/image.h"
#include "inference/preprocess.h"
#include "serving/service_io.h"

namespace gb {
namespace {

constexpr std::size_t kImageFloats = 3 * kCropSize * kCropSize;
enum State : int { kQueued, kRunning, kExpired };

std::vector<double> exponential(double first, double factor, int n) {
  std::vector<double> b;
  for (double v = first; n-- > 0; v *= factor) b.push_back(v);
  return b;
}

std::vector<double> powers_of_two(std::size_t up_to) {
  std::vector<double> b;
  for (std::size_t v = 1; v < up_to; v *= 2) b.push_back(static_cast<double>(v));
  b.push_back(static_cast<double>(up_to));
  return b;
}

[[noreturn]] void refuse(int status, const std::string& message) {
  throw oip::ProtocolError(status, message);
}

// N, the images of the request's one input, once its name, datatype and shape fit the model.
std::size_t images_of(const oip::Tensor& in) {
  const auto& s = in.shape;
  if (in.name == "image") {
    if (in.datatype != oip::DataType::kBytes) {
      refuse(400, std::string("input 'image' must be BYTES, not ") + datatype_name(in.datatype));
    }
    if (s.empty() || s.size() > 2 || (s.size() == 2 && s[1] != 1) || s[0] < 1) {
      refuse(400, "input 'image' must have shape [N] or [N,1] with N >= 1");
    }
    return static_cast<std::size_t>(s[0]);
  }
  if (in.name == "input") {
    if (in.datatype != oip::DataType::kFp32) {
      refuse(400, std::string("input 'input' must be FP32, not ") + datatype_name(in.datatype));
    }
    if (s.size() != 4 || s[0] < 1 || s[1] != 3 || s[2] != kCropSize || s[3] != kCropSize) {
      std::string got;
      for (int64_t d : s) got += (got.empty() ? "" : ",") + std::to_string(d);
      refuse(400, "input 'input' must have shape [N,3,224,224] with N >= 1, not [" + got + "]");
    }
    return static_cast<std::size_t>(s[0]);
  }
  refuse(400, "unknown input '" + in.name + "': " + kModelInputs);
}

}  // namespace

struct InferenceService::Pending {
  const oip::Tensor* input = nullptr;  // the caller's, which infer() keeps alive until answered
  std::size_t images = 0;
  SteadyClock::time_point received;
  std::atomic<int> state{kQueued};
  std::mutex mutex;
  std::condition_variable done;
  // Under `mutex`:
  std::size_t remaining = 0;
  std::vector<float> logits;  // images x classes
  std::string error;
  int error_status = 0;
  double energy_j = 0;
  std::string energy_method;
  std::size_t batch_size = 0;
  uint64_t batch = 0;
  double queue_s = 0, service_s = 0;
};

class InferenceService::Batcher final : public LiveBatchServer {
 public:
  explicit Batcher(InferenceService& s) : s_(s) {}

  void serve(uint64_t first, std::size_t count) override {
    batch_.clear();
    {
      std::lock_guard<std::mutex> lock(s_.slots_mutex_);
      for (uint64_t id = first; id < first + count; ++id) {
        batch_.push_back(std::move(s_.slots_[id & (s_.slots_.size() - 1)]));
      }
    }
    // A request whose caller gave up (504) before its first image was taken is not served.
    live_.clear();
    for (auto& entry : batch_) {
      int state = kQueued;
      entry.first->state.compare_exchange_strong(state, kRunning);
      if (state != kExpired) live_.push_back(&entry);
    }
    if (live_.empty()) return;
    const bool metered = s_.monitor_ && s_.options_.energy_per_request;
    const EnergyMonitor::Edge e0 = metered ? s_.monitor_->batch_edge() : EnergyMonitor::Edge{};
    const auto t0 = SteadyClock::now();
    torch::Tensor logits;
    std::string failure;
    if (s_.executor_) {
      try {
        logits =
            s_.executor_->classify(live_.size(), [&](std::size_t j, float* out) { fill(j, out); });
      } catch (const std::exception& e) {
        failure = std::string("the model failed on this batch: ") + e.what();
      }
    }
    const auto t1 = SteadyClock::now();
    const BatchEnergy energy =
        metered ? s_.monitor_->batch_energy(e0, s_.monitor_->batch_edge()) : BatchEnergy{};
    const std::size_t classes = s_.options_.classes, n = live_.size();
    const uint64_t batch = ++s_.batches_done_;
    // Counted before any answer leaves, so that /metrics never lags what a client has seen.
    s_.batch_size_.observe(static_cast<double>(n));
    s_.images_done_ += n;
    if (s_.monitor_) s_.monitor_->count_images(n);
    for (std::size_t j = 0; j < n; ++j) {
      Pending& p = *live_[j]->first;
      const std::size_t k = live_[j]->second;
      if (logits.defined() && classes > 0) {
        std::memcpy(p.logits.data() + k * classes, logits.data_ptr<float>() + j * classes,
                    classes * sizeof(float));
      }
      std::lock_guard<std::mutex> lock(p.mutex);
      if (!failure.empty() && p.error.empty()) {
        p.error = failure;
        p.error_status = 500;
      }
      if (p.batch == 0) p.queue_s = to_seconds(t0 - p.received);
      p.batch = batch;
      p.batch_size = n;
      p.service_s = to_seconds(t1 - t0);
      if (metered) {
        p.energy_j += energy.joules / static_cast<double>(n);
        p.energy_method = energy.method;
      }
      if (--p.remaining == 0) p.done.notify_one();
    }
  }

  void expired(uint64_t first, std::size_t count) override {
    std::lock_guard<std::mutex> lock(s_.slots_mutex_);
    for (uint64_t id = first; id < first + count; ++id) {
      s_.slots_[id & (s_.slots_.size() - 1)].first.reset();
    }
  }

 private:
  // Image j of the batch, decoded and preprocessed (or copied) into `out`; on one of torch's
  // threads. An image that does not decode fails its request, not the batch.
  void fill(std::size_t j, float* out) {
    Pending& p = *live_[j]->first;
    const std::size_t k = live_[j]->second;
    if (p.input->datatype == oip::DataType::kFp32) {
      std::memcpy(out, p.input->fp32.data() + k * kImageFloats, kImageFloats * sizeof(float));
      return;
    }
    const std::string& bytes = p.input->bytes[k];
    try {
      preprocess_into(decode_image(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(),
                                   "image " + std::to_string(k)),
                      out);
    } catch (const std::exception& e) {
      std::fill(out, out + kImageFloats, 0.0f);
      std::lock_guard<std::mutex> lock(p.mutex);
      if (p.error.empty()) {
        p.error = e.what();
        p.error_status = 400;
      }
    }
  }

  InferenceService& s_;
  std::vector<std::pair<std::shared_ptr<Pending>, std::size_t>> batch_;
  std::vector<std::pair<std::shared_ptr<Pending>, std::size_t>*> live_;
};

InferenceService::InferenceService(ServiceOptions options, std::unique_ptr<BatchingPolicy> policy,
                                   ModelExecutor* executor, EnergyMonitor* monitor)
    : options_(std::move(options)),
      policy_(std::move(policy)),
      executor_(executor),
      monitor_(monitor),
      queue_(LiveQueueOptions{options_.max_queue, options_.request_timeout}, SteadyClock::now()),
      batcher_(std::make_unique<Batcher>(*this)),
      response_s_(exponential(0.001, 2, 17)),
      queue_wait_s_(exponential(0.0005, 2, 17)),
      batch_size_(powers_of_two(policy_->max_batch())) {
  std::size_t size = 1;
  while (size < options_.max_queue) size *= 2;
  slots_.resize(size);
  dispatcher_ = std::thread([this] { queue_.serve(*policy_, *batcher_); });
}

InferenceService::~InferenceService() {
  queue_.end();
  dispatcher_.join();
}

std::shared_ptr<InferenceService::Pending> InferenceService::admit(const oip::InferRequest& request,
                                                                   SteadyClock::time_point t) {
  if (request.inputs.size() != 1) {
    refuse(400, std::to_string(request.inputs.size()) + " inputs given: " + kModelInputs);
  }
  auto p = std::make_shared<Pending>();
  p->input = &request.inputs[0];
  p->images = images_of(request.inputs[0]);
  if (p->images > options_.max_queue) {
    refuse(400, fmt::format("{} images in one request exceed the queue's {} (--max-queue)",
                            p->images, options_.max_queue));
  }
  if (request.top_k && static_cast<std::size_t>(*request.top_k) > options_.classes) {
    refuse(400, fmt::format("parameters.top_k {} exceeds the model's {} classes", *request.top_k,
                            options_.classes));
  }
  for (const std::string& name : request.outputs) {
    const bool top = name == "top_k_classes" || name == "top_k_logits";
    if (name != "logits" && !top) {
      refuse(400, "unknown output '" + name + "' (logits, top_k_classes, top_k_logits)");
    }
    if (top && !request.top_k) refuse(400, "output '" + name + "' needs parameters.top_k");
  }
  p->received = t;
  p->remaining = p->images;
  p->logits.assign(p->images * options_.classes, 0.0f);
  return p;
}

oip::InferResponse InferenceService::infer(const oip::InferRequest& request,
                                           SteadyClock::time_point received) {
  struct InFlight {
    std::atomic<std::size_t>& n;
    explicit InFlight(std::atomic<std::size_t>& c) : n(c) { ++n; }
    ~InFlight() { --n; }
  } in_flight(in_flight_);
  try {
    if (draining_) refuse(503, "the server is shutting down");
    const std::shared_ptr<Pending> p = admit(request, received);
    {
      std::lock_guard<std::mutex> lock(slots_mutex_);
      const auto first = queue_.push(p->images, received - queue_.origin());
      if (!first) {
        refuse(503, queue_.ended() ? "the server is shutting down"
                                   : fmt::format("the queue is full ({} images, --max-queue)",
                                                 options_.max_queue));
      }
      for (std::size_t k = 0; k < p->images; ++k) {
        slots_[(*first + k) & (slots_.size() - 1)] = {p, k};
      }
    }
    std::unique_lock<std::mutex> lock(p->mutex);
    const auto answered = [&] { return p->remaining == 0; };
    if (!p->done.wait_until(lock, received + options_.request_timeout, answered)) {
      int queued = kQueued;
      if (p->state.compare_exchange_strong(queued, kExpired)) {
        refuse(504, "still queued after the request timeout of " +
                        format_duration(options_.request_timeout));
      }
      p->done.wait(lock, answered);  // already in a batch: it finishes
    }
    if (!p->error.empty()) refuse(p->error_status, p->error);
    nlohmann::ordered_json parameters = {{"greenbatch_batch", p->batch},
                                         {"greenbatch_batch_size", p->batch_size},
                                         {"greenbatch_queue_s", p->queue_s},
                                         {"greenbatch_service_s", p->service_s}};
    if (options_.energy_per_request && !p->energy_method.empty()) {
      parameters["energy_j"] = p->energy_j;
      parameters["energy_method"] = p->energy_method;
    }
    lock.unlock();
    oip::InferResponse r = build_response(options_, request, p->logits, std::move(parameters));
    const auto now = SteadyClock::now();
    response_s_.observe(to_seconds(now - received));
    queue_wait_s_.observe(p->queue_s);
    count_status(200);
    return r;
  } catch (const oip::ProtocolError& e) {
    count_status(e.status());
    throw;
  }
}

void InferenceService::drain() {
  draining_ = true;
  queue_.end();
  // Every accepted request is answered by the dispatcher's flush; wait for their callers.
  while (in_flight_.load() > 0) std::this_thread::sleep_for(std::chrono::milliseconds(5));
}

}  // namespace gb
