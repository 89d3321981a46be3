// InferenceService without HTTP: a full queue answers 503 at once, a request still queued at its
// timeout 504, a malformed one 400, and a drain answers every accepted request before refusing
// more. The noop model (no executor); no timing assertions.
#include "serving/inference_service.h"

#include <gtest/gtest.h>

#include <future>
#include <thread>

#include "batching/fixed_policy.h"
#include "batching/greedy_policy.h"

namespace gb {
namespace {

oip::InferRequest images(std::size_t n) {
  oip::InferRequest r;
  oip::Tensor t;
  t.name = "image";
  t.datatype = oip::DataType::kBytes;
  t.shape = {static_cast<int64_t>(n)};
  t.bytes.assign(n, "not decoded by the noop model");
  r.inputs.push_back(t);
  return r;
}

int status(InferenceService& s, const oip::InferRequest& r) {
  try {
    s.infer(r, SteadyClock::now());
    return 200;
  } catch (const oip::ProtocolError& e) {
    return e.status();
  }
}

ServiceOptions options(std::size_t max_queue, Nanos timeout) {
  ServiceOptions o;
  o.model_name = "noop";
  o.classes = 0;
  o.max_queue = max_queue;
  o.request_timeout = timeout;
  return o;
}

TEST(InferenceService, AnswersAndCountsWhatItServed) {
  InferenceService s(options(64, std::chrono::seconds(30)), std::make_unique<GreedyPolicy>(8),
                     nullptr, nullptr);
  const oip::InferResponse r = s.infer(images(3), SteadyClock::now());
  ASSERT_EQ(r.outputs.size(), 1u);
  EXPECT_EQ(r.outputs[0].shape, (std::vector<int64_t>{3, 0}));
  EXPECT_EQ(r.parameters["greenbatch_batch_size"], 3);
  PrometheusWriter w;
  s.write_metrics(w);
  EXPECT_NE(w.text().find("greenbatch_images_total{model=\"noop\"} 3"), std::string::npos);
  EXPECT_NE(w.text().find("greenbatch_requests_total{model=\"noop\",code=\"200\"} 1"),
            std::string::npos);
}

TEST(InferenceService, RefusesWhatTheModelCannotTake) {
  InferenceService s(options(4, std::chrono::seconds(30)), std::make_unique<GreedyPolicy>(8),
                     nullptr, nullptr);
  oip::InferRequest wrong = images(1);
  wrong.inputs[0].name = "pixels";
  EXPECT_EQ(status(s, wrong), 400);
  wrong = images(1);
  wrong.inputs[0].datatype = oip::DataType::kFp32;
  EXPECT_EQ(status(s, wrong), 400);
  EXPECT_EQ(status(s, images(5)), 400);  // more images than the queue ever holds
  oip::InferRequest top = images(1);
  top.top_k = 1;  // the noop model has no classes
  EXPECT_EQ(status(s, top), 400);
  EXPECT_EQ(status(s, images(1)), 200);
}

TEST(InferenceService, FullQueueIs503QueuedPastTimeoutIs504AndDrainAnswersTheRest) {
  // fixed:100 with an hour's timeout holds everything until the drain flushes it.
  InferenceService s(options(3, std::chrono::hours(1)),
                     std::make_unique<FixedPolicy>(100, std::chrono::hours(1)), nullptr, nullptr);
  auto held = std::async(std::launch::async, [&] { return status(s, images(3)); });
  while (true) {  // until the three images are queued
    PrometheusWriter w;
    s.write_metrics(w);
    if (w.text().find("greenbatch_queue_images{model=\"noop\"} 3") != std::string::npos) break;
    std::this_thread::yield();
  }
  EXPECT_EQ(status(s, images(1)), 503);
  s.drain();
  EXPECT_EQ(held.get(), 200);
  EXPECT_EQ(status(s, images(1)), 503);
  EXPECT_TRUE(s.draining());
}

TEST(InferenceService, ARequestStillQueuedAtItsTimeoutIs504) {
  InferenceService s(options(8, std::chrono::milliseconds(20)),
                     std::make_unique<FixedPolicy>(100, std::chrono::hours(1)), nullptr, nullptr);
  EXPECT_EQ(status(s, images(2)), 504);
  PrometheusWriter w;
  s.write_metrics(w);
  EXPECT_NE(w.text().find("code=\"504\"} 1"), std::string::npos);
}

}  // namespace
}  // namespace gb
