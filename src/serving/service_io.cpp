#include "serving/service_io.h"

#include <algorithm>
#include <numeric>

#include "common/parse.h"
#include "inference/preprocess.h"

namespace gb {
namespace {}  // namespace

nlohmann::ordered_json model_metadata(const ServiceOptions& o) {
  using nlohmann::ordered_json;
  const auto tensor = [](const char* name, const char* type, ordered_json shape) {
    return ordered_json{{"name", name}, {"datatype", type}, {"shape", std::move(shape)}};
  };
  const int64_t classes = static_cast<int64_t>(o.classes);
  return {
      {"name", o.model_name},
      {"versions", {"1"}},
      {"platform", "greenbatch"},
      {"inputs",
       {tensor("image", "BYTES", {-1}), tensor("input", "FP32", {-1, 3, kCropSize, kCropSize})}},
      {"outputs",
       {tensor("logits", "FP32", {-1, classes}), tensor("top_k_classes", "INT64", {-1, -1}),
        tensor("top_k_logits", "FP32", {-1, -1})}},
      {"parameters",
       {{"greenbatch_policy", o.policy},
        {"greenbatch_max_queue", o.max_queue},
        {"greenbatch_inputs", kModelInputs}}}};
}

oip::InferResponse build_response(const ServiceOptions& o, const oip::InferRequest& request,
                                  const std::vector<float>& logits,
                                  nlohmann::ordered_json parameters) {
  oip::InferResponse r;
  r.model_name = o.model_name;
  r.id = request.id;
  r.parameters = std::move(parameters);
  const std::size_t classes = o.classes;
  const int64_t images = static_cast<int64_t>(classes ? logits.size() / classes : 0);
  const auto wanted = [&](const char* name) {
    return request.outputs.empty() ||
           std::find(request.outputs.begin(), request.outputs.end(), name) != request.outputs.end();
  };
  if (!request.top_k) {
    const int64_t n = classes ? images : static_cast<int64_t>(request.inputs[0].shape[0]);
    r.outputs.push_back(
        {"logits", oip::DataType::kFp32, {n, static_cast<int64_t>(classes)}, logits, {}});
    return r;
  }
  const std::size_t k = static_cast<std::size_t>(*request.top_k);
  oip::OutputTensor cls{
      "top_k_classes", oip::DataType::kInt64, {images, static_cast<int64_t>(k)}, {}, {}};
  oip::OutputTensor top{
      "top_k_logits", oip::DataType::kFp32, {images, static_cast<int64_t>(k)}, {}, {}};
  std::vector<int64_t> order(classes);
  for (int64_t i = 0; i < images; ++i) {
    const float* row = logits.data() + i * classes;
    std::iota(order.begin(), order.end(), 0);
    std::partial_sort(order.begin(), order.begin() + k, order.end(), [&](int64_t a, int64_t b) {
      return row[a] > row[b] || (row[a] == row[b] && a < b);
    });
    for (std::size_t j = 0; j < k; ++j) {
      cls.int64.push_back(order[j]);
      top.fp32.push_back(row[order[j]]);
    }
  }
  if (wanted("top_k_classes")) r.outputs.push_back(std::move(cls));
  if (wanted("top_k_logits")) r.outputs.push_back(std::move(top));
  return r;
}

void InferenceService::count_status(int status) {
  std::lock_guard<std::mutex> lock(status_mutex_);
  ++statuses_[status];
}

uint64_t InferenceService::answered() const {
  std::lock_guard<std::mutex> lock(status_mutex_);
  uint64_t n = 0;
  for (const auto& [code, count] : statuses_) n += count;
  return n;
}

void InferenceService::write_metrics(PrometheusWriter& out) const {
  const Labels model = {{"model", options_.model_name}};
  out.family("greenbatch_requests_total", "counter",
             "Inference requests answered, by HTTP status (errors are every code but 200)");
  {
    std::lock_guard<std::mutex> lock(status_mutex_);
    for (const auto& [code, count] : statuses_) {
      out.sample("greenbatch_requests_total", {model[0], {"code", std::to_string(code)}},
                 static_cast<double>(count));
    }
  }
  out.family("greenbatch_images_total", "counter", "Images served in batches");
  out.sample("greenbatch_images_total", model, static_cast<double>(images_done_.load()));
  out.family("greenbatch_batches_total", "counter", "Batches run by the model");
  out.sample("greenbatch_batches_total", model, static_cast<double>(batches_done_.load()));
  out.family("greenbatch_queue_images", "gauge", "Images queued for a batch now");
  out.sample("greenbatch_queue_images", model, static_cast<double>(queue_.queued()));
  out.family("greenbatch_requests_in_flight", "gauge", "Requests accepted and not yet answered");
  out.sample("greenbatch_requests_in_flight", model, static_cast<double>(in_flight_.load()));
  out.family("greenbatch_batch_size", "histogram", "Images per batch");
  batch_size_.write(out, "greenbatch_batch_size", model);
  out.family("greenbatch_response_seconds", "histogram",
             "Response time of answered requests, from the request's body read to its answer");
  response_s_.write(out, "greenbatch_response_seconds", model);
  out.family("greenbatch_queue_wait_seconds", "histogram",
             "Wait of answered requests from the body read to the start of their first batch");
  queue_wait_s_.write(out, "greenbatch_queue_wait_seconds", model);
  if (!monitor_) return;
  out.family("greenbatch_energy_meter_up", "gauge",
             "1 while the energy meters read; 0 after a meter failed (figures then frozen)");
  out.sample("greenbatch_energy_meter_up", {}, monitor_->error() ? 0 : 1);
  const char* const note = " (method estimate: a model of CPU time, NOT a measurement)";
  bool estimated = false;
  std::vector<DomainReading> domains = monitor_->domains();
  for (const DomainReading& d : domains) estimated = estimated || d.method == "estimate";
  out.family("greenbatch_energy_joules_total", "counter",
             std::string("Energy since the server started, per domain, with its method") +
                 (estimated ? note : ""));
  for (const DomainReading& d : domains) {
    out.sample("greenbatch_energy_joules_total", {{"domain", d.domain}, {"method", d.method}},
               d.joules);
  }
  out.family("greenbatch_power_watts", "gauge",
             std::string("Mean power over the latest sample interval, per domain") +
                 (estimated ? note : ""));
  for (const DomainReading& d : domains) {
    out.sample("greenbatch_power_watts", {{"domain", d.domain}, {"method", d.method}}, d.watts);
  }
  if (const auto w = monitor_->sliding_window()) {
    out.family("greenbatch_energy_per_image_joules", "gauge",
               "Energy of the total's domains per image served over the sliding window");
    out.sample("greenbatch_energy_per_image_joules",
               {{"method", w->method}, {"window", format_duration(monitor_->window())}}, w->joules);
  }
}

}  // namespace gb
