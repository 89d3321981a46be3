#include "serving/http_frontend.h"

#include <httplib.h>
#include <sys/socket.h>

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

#include "common/errors.h"
#include "common/version.h"
#include "serving/service_io.h"

namespace gb {
namespace {

const char* const kJson = "application/json";

// cpp-httplib's own pool has a fixed number of threads, and a keep-alive connection holds one for
// as long as it stays open: with more clients than threads, the others would wait unanswered
// instead of reaching the queue (and its 503). This one grows on demand up to a bound.
class GrowingPool final : public httplib::TaskQueue {
 public:
  explicit GrowingPool(std::size_t max) : max_(max) {}
  void enqueue(std::function<void()> fn) override {
    std::lock_guard<std::mutex> lock(mutex_);
    jobs_.push_back(std::move(fn));
    if (jobs_.size() > idle_ && threads_.size() < max_) {
      threads_.emplace_back([this] { work(); });
    } else {
      wake_.notify_one();
    }
  }
  void shutdown() override {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_all();
    for (std::thread& t : threads_) t.join();  // no enqueue() after shutdown(): no lock needed
  }

 private:
  void work() {
    std::unique_lock<std::mutex> lock(mutex_);
    for (;;) {
      ++idle_;
      wake_.wait(lock, [&] { return stopping_ || !jobs_.empty(); });
      --idle_;
      if (jobs_.empty()) return;
      std::function<void()> fn = std::move(jobs_.front());
      jobs_.pop_front();
      lock.unlock();
      fn();
      lock.lock();
    }
  }
  const std::size_t max_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> jobs_;
  std::vector<std::thread> threads_;
  std::size_t idle_ = 0;
  bool stopping_ = false;
};

// Debian's cpp-httplib is built with a listen backlog of 5: a burst of new connections (a load
// opening hundreds at once) would have its SYNs dropped and retried a second later. listen() on
// the bound socket again widens the queue (Linux adjusts the backlog of a listening socket).
class Server final : public httplib::Server {
 public:
  void widen_backlog(int backlog) { ::listen(svr_sock_, backlog); }
};

void reply(httplib::Response& res, int status, const std::string& body, const char* type = kJson) {
  res.status = status;
  res.set_content(body, type);
}

void error(httplib::Response& res, int status, const std::string& message) {
  reply(res, status, oip::error_body(message));
}

}  // namespace

HttpFrontend::HttpFrontend(InferenceService& service, HttpOptions options)
    : service_(service), options_(std::move(options)), server_(std::make_unique<Server>()) {
  httplib::Server& s = *server_;
  const std::size_t connections = options_.max_connections;
  s.new_task_queue = [connections] { return new GrowingPool(connections); };
  s.set_tcp_nodelay(true);
  s.set_keep_alive_max_count(std::numeric_limits<int>::max());
  s.set_keep_alive_timeout(
      std::chrono::duration_cast<std::chrono::seconds>(options_.keep_alive).count());
  s.set_payload_max_length(options_.max_body_bytes);
  routes();
}

HttpFrontend::~HttpFrontend() = default;

void HttpFrontend::routes() {
  httplib::Server& s = *server_;
  const std::string model = "/v2/models/([^/]+)(?:/versions/([^/]+))?";
  // The model and version a path names, or the 404 it gets.
  const auto known = [this](const httplib::Request& req, httplib::Response& res) {
    const std::string& name = req.matches[1];
    if (name != service_.options().model_name) {
      error(res, 404,
            "unknown model '" + name + "' (this server serves '" + service_.options().model_name +
                "')");
      return false;
    }
    if (req.matches[2].matched && req.matches[2] != "1") {
      error(res, 404,
            "model '" + name + "' has no version '" + std::string(req.matches[2]) +
                "' (it has version 1)");
      return false;
    }
    return true;
  };
  s.Get("/v2/health/live", [](const httplib::Request&, httplib::Response& res) {
    reply(res, 200, R"({"live":true})");
  });
  s.Get("/v2/health/ready", [this](const httplib::Request&, httplib::Response& res) {
    const bool ready = ready_ && !service_.draining();
    reply(res, ready ? 200 : 503, ready ? R"({"ready":true})" : R"({"ready":false})");
  });
  s.Get("/v2", [](const httplib::Request&, httplib::Response& res) {
    const nlohmann::ordered_json doc = {
        {"name", "greenbatch"}, {"version", kVersion}, {"extensions", {"binary_tensor_data"}}};
    reply(res, 200, doc.dump());
  });
  s.Get(model, [this, known](const httplib::Request& req, httplib::Response& res) {
    if (known(req, res)) reply(res, 200, model_metadata(service_.options()).dump());
  });
  s.Get(model + "/ready", [this, known](const httplib::Request& req, httplib::Response& res) {
    if (!known(req, res)) return;
    const bool ready = ready_ && !service_.draining();
    const nlohmann::ordered_json doc = {{"name", service_.options().model_name}, {"ready", ready}};
    reply(res, ready ? 200 : 503, doc.dump());
  });
  s.Post(model + "/infer", [this, known](const httplib::Request& req, httplib::Response& res) {
    // The body has been read: the request's response time starts here.
    const auto received = SteadyClock::now();
    if (!known(req, res)) {
      service_.count_status(404);
      return;
    }
    oip::InferRequest request;
    try {
      request = oip::parse_infer_request(
          req.body, req.get_header_value("Inference-Header-Content-Length"), oip::RequestLimits{});
    } catch (const oip::ProtocolError& e) {
      service_.count_status(e.status());
      return error(res, e.status(), e.what());
    }
    try {
      const oip::EncodedResponse out =
          oip::encode_infer_response(service_.infer(request, received), request.binary_output);
      if (out.header_length) {
        res.set_header("Inference-Header-Content-Length", std::to_string(*out.header_length));
      }
      reply(res, 200, out.body, out.content_type.c_str());
    } catch (const oip::ProtocolError& e) {
      error(res, e.status(), e.what());
    }
  });
  s.Get("/metrics", [this](const httplib::Request&, httplib::Response& res) {
    PrometheusWriter out;
    service_.write_metrics(out);
    reply(res, 200, out.text(), "text/plain; version=0.0.4; charset=utf-8");
  });
  // What the library answers itself: an unknown path, a body over the limit, a bad request.
  const std::size_t limit = options_.max_body_bytes;
  s.set_error_handler([limit](const httplib::Request& req, httplib::Response& res) {
    if (!res.body.empty()) return;
    std::string message;
    if (res.status == 404) {
      message = "no endpoint " + req.method + " " + req.path.substr(0, 200) +
                " (the Open Inference Protocol's are under /v2; metrics at /metrics)";
    } else if (res.status == 413) {
      message = "request body over the limit of " + std::to_string(limit) + " bytes (--max-body)";
    } else {
      message = "HTTP status " + std::to_string(res.status);
    }
    error(res, res.status, message);
  });
  s.set_exception_handler(
      [](const httplib::Request&, httplib::Response& res, std::exception_ptr ep) {
        std::string what = "unknown error";
        try {
          std::rethrow_exception(ep);
        } catch (const std::exception& e) {
          what = e.what();
        } catch (...) {
        }
        error(res, 500, "internal error: " + what);
      });
}

int HttpFrontend::bind() {
  httplib::Server& s = *server_;
  const int port = options_.port == 0
                       ? s.bind_to_any_port(options_.host)
                       : (s.bind_to_port(options_.host, options_.port) ? options_.port : -1);
  if (port > 0) static_cast<Server&>(s).widen_backlog(4096);
  if (port <= 0) {
    throw UsageError("cannot listen on " + options_.host + ":" + std::to_string(options_.port) +
                     " (in use, or not an address of this machine): choose another --port or "
                     "--host");
  }
  return port;
}

void HttpFrontend::listen() { server_->listen_after_bind(); }

void HttpFrontend::stop() { server_->stop(); }

}  // namespace gb
