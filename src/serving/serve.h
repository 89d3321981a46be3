// `greenbatch serve`: one model behind the Open Inference Protocol, batched by a policy over the
// live stream of requests, until SIGTERM or SIGINT.
//
// Order: catch SIGTERM/SIGINT (a thread of its own acts on them) -> load the model -> warm up ->
// open the meters -> start the service -> bind -> "listening" -> serve. On the signal: not ready,
// new requests 503, the policy flushes what is queued, every accepted request is answered, then the
// listener stops and serve() returns 0. Each step is logged.
//
// Contract: bad input (a policy a live stream cannot run, a profile, a port in use) is a
// UsageError before anything listens. `on_listening` is called once, with the bound port, when
// requests are accepted.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "batching/policy_spec.h"
#include "results/run_spec.h"
#include "serving/http_frontend.h"
#include "serving/inference_service.h"

namespace gb {

struct ServeSpec {
  SessionSpec session;  // model, device, meters, warm-up, sample interval, threads
  PolicySpec policy;
  std::string profile;  // costs for slo:T
  HttpOptions http;
  ServiceOptions service;  // model_name, classes and policy are filled in by serve()
  Nanos energy_window{std::chrono::seconds(30)};
};

// Why a policy cannot batch a live stream, or nullopt when it can: offline:T plans the whole
// stream in advance; fixed:N without a timeout holds a partial batch until N arrive, which on a
// quiet stream is forever.
std::optional<std::string> live_stream_refusal(const PolicySpec& policy);

int serve(const ServeSpec& spec, const std::function<void(const std::string&)>& log,
          const std::function<void(int port)>& on_listening);

}  // namespace gb
