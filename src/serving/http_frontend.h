// HttpFrontend: the Open Inference Protocol's HTTP/REST endpoints over an InferenceService, on
// cpp-httplib (why this library: docs/serving.md):
//   GET  /v2/health/live, /v2/health/ready, /v2 (server metadata)
//   GET  /v2/models/{m}[/versions/{v}], /v2/models/{m}[/versions/{v}]/ready
//   POST /v2/models/{m}[/versions/{v}]/infer   (JSON, or binary tensors)
//   GET  /metrics                               (Prometheus text format)
// Every error is {"error": "..."} with its status, including those the library answers itself
// (no such endpoint, a body over the limit, a malformed HTTP request).
//
// Connections: one thread each while open (keep-alive), created on demand up to
// max_connections (a thread costs its stack's address space, and little memory until used);
// connections beyond that wait for one to close. Memory is bounded by about max_connections x
// max_body_bytes for bodies being read, plus the service's queue.
//
// Lifetime: keeps `service` by reference; it must outlive the frontend. listen() runs on the
// caller's thread until stop() (from any thread).
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>

#include "serving/inference_service.h"

namespace httplib {
class Server;
}

namespace gb {

struct HttpOptions {
  std::string host = "127.0.0.1";
  int port = 8000;  // 0: any free port (bind() says which)
  std::size_t max_body_bytes = 16u << 20;
  std::size_t max_connections = 4096;
  Nanos keep_alive{std::chrono::seconds(60)};  // an idle connection is closed after this
};

class HttpFrontend {
 public:
  HttpFrontend(InferenceService& service, HttpOptions options);
  ~HttpFrontend();
  HttpFrontend(const HttpFrontend&) = delete;
  HttpFrontend& operator=(const HttpFrontend&) = delete;

  // Binds the listening socket; returns its port. UsageError when the address cannot be bound.
  int bind();
  // Serves until stop(); REQUIRES bind() first.
  void listen();
  void stop();
  // /v2/health/ready answers 200 only while ready and the service is not draining.
  void set_ready(bool ready) { ready_ = ready; }

 private:
  void routes();
  InferenceService& service_;
  HttpOptions options_;
  std::unique_ptr<httplib::Server> server_;
  std::atomic<bool> ready_{false};
};

}  // namespace gb
