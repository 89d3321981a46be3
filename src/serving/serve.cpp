#include "serving/serve.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <thread>

#include "batching/policy.h"
#include "common/errors.h"
#include "common/parse.h"
#include "energy/meters.h"
#include "inference/loaded_model.h"
#include "profile/profile.h"

namespace gb {
namespace {

// The thread that turns SIGTERM/SIGINT into a drain. Libraries start threads of their own at load
// (OpenBLAS's pool), so any thread may receive the signal: the handler only writes its number to
// a pipe (async-signal-safe), and the work it starts runs on this thread, as ordinary code.
int signal_pipe[2] = {-1, -1};

extern "C" void on_stop_signal(int sig) {
  const unsigned char b = static_cast<unsigned char>(sig);
  [[maybe_unused]] const ssize_t n = write(signal_pipe[1], &b, 1);
}

class SignalWatch {
 public:
  explicit SignalWatch(std::function<void(int)> on_signal) {
    if (pipe2(signal_pipe, O_CLOEXEC | O_NONBLOCK) != 0) throw RunError("cannot create a pipe");
    struct sigaction sa {};
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, &old_term_);
    sigaction(SIGINT, &sa, &old_int_);
    thread_ = std::thread([this, on_signal = std::move(on_signal)] {
      while (!stop_) {
        pollfd p{signal_pipe[0], POLLIN, 0};
        unsigned char sig = 0;
        if (poll(&p, 1, 100) > 0 && read(signal_pipe[0], &sig, 1) == 1) {
          on_signal(sig);
          return;
        }
      }
    });
  }
  ~SignalWatch() {
    stop_ = true;
    thread_.join();
    sigaction(SIGTERM, &old_term_, nullptr);
    sigaction(SIGINT, &old_int_, nullptr);
    close(signal_pipe[0]);
    close(signal_pipe[1]);
  }

 private:
  struct sigaction old_term_ {
  }, old_int_{};
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace

std::optional<std::string> live_stream_refusal(const PolicySpec& policy) {
  if (policy.kind == PolicySpec::Kind::kOffline) {
    return "offline:T plans the whole stream in advance, and a server's requests are not known "
           "before they arrive; serve slo:T (the online policy with the same profile)";
  }
  if (policy.kind == PolicySpec::Kind::kFixed && !policy.timeout) {
    return "fixed:" + std::to_string(policy.size) +
           " without a timeout holds a partial batch until " + std::to_string(policy.size) +
           " requests arrive, which on a quiet stream is never; add one: fixed:" +
           std::to_string(policy.size) + ",timeout=50ms";
  }
  return std::nullopt;
}

int serve(const ServeSpec& spec, const std::function<void(const std::string&)>& log_fn,
          const std::function<void(int port)>& on_listening) {
  const auto log = [&](const std::string& m) {
    if (log_fn) log_fn(m);
  };
  if (auto why = live_stream_refusal(spec.policy)) {
    throw UsageError("--policy " + spec.policy.canonical() + ": " + *why);
  }
  const SessionSpec& s = spec.session;
  const auto costs = spec.policy.needs_costs() ? load_costs(spec.profile, s.model.name) : nullptr;
  if (spec.policy.needs_costs() && !costs) {
    throw UsageError("--policy " + spec.policy.canonical() +
                     " needs --profile P.json (greenbatch profile --model " + s.model.name + ")");
  }
  std::unique_ptr<BatchingPolicy> policy = spec.policy.build(costs);
  // A client that hangs up mid-answer must cost its connection, not the server.
  signal(SIGPIPE, SIG_IGN);
  std::atomic<bool> signalled{false};
  HttpFrontend* frontend = nullptr;
  InferenceService* service = nullptr;
  std::mutex started;  // the signal thread waits for the frontend to exist before using it
  SignalWatch watch([&](int sig) {
    log(fmt::format("serve: {}: draining", sig == SIGTERM ? "SIGTERM" : "SIGINT"));
    signalled = true;
    std::lock_guard<std::mutex> lock(started);
    if (!service) return;
    service->drain();
    log(fmt::format("serve: drained: every accepted request answered ({} answers in all)",
                    service->answered()));
    frontend->stop();
  });

  ServiceOptions options = spec.service;
  options.model_name = s.model.is_file() ? "model" : s.model.name;
  options.policy = spec.policy.canonical();
  LoadedModel model;
  const std::size_t max_batch = std::max(policy->max_batch(), s.warmup_batch_size);
  if (s.model.is_noop()) {
    options.classes = 0;
    log("serve: noop model: batches are formed and answered without decoding or inference");
  } else {
    log("serve: loading " + s.model.name + " on " + s.device.text);
    ModelLoad load{s.model, s.weights, s.device, s.images, s.threads, s.model_seed, max_batch};
    load.engine = s.engine;
    load.precision = s.precision;
    model = load_model(load, log);
    options.classes = 1000;
    if (s.warmup_batches > 0) {
      log(fmt::format("serve: warming up: {} batches of {}", s.warmup_batches,
                      s.warmup_batch_size));
      model.executor->warm_up(s.warmup_batches, s.warmup_batch_size);
    }
    log("serve: model loaded on " + model.device_name);
  }
  const auto meters = open_meters(meter_options(s));
  std::vector<PowerMeter*> meter_ptrs;
  std::string methods;
  for (const auto& m : meters) {
    meter_ptrs.push_back(m.get());
    methods += (methods.empty() ? "" : ", ") + m->domain() + ": " + method_label(m->method());
  }
  EnergyMonitor monitor(meter_ptrs, s.sample_interval, spec.energy_window);
  log("serve: energy meters: " + (methods.empty() ? std::string("none") : methods));
  InferenceService svc(options, std::move(policy), model.executor.get(), &monitor);
  HttpFrontend http(svc, spec.http);
  const int port = http.bind();
  {
    std::lock_guard<std::mutex> lock(started);
    service = &svc;
    frontend = &http;
  }
  if (signalled) return 0;  // a signal during loading: nothing was accepted
  http.set_ready(true);
  log(
      fmt::format("serve: listening on http://{}:{} (model '{}', policy {}, max queue {} images, "
                  "request timeout {})",
                  spec.http.host, port, options.model_name, options.policy, options.max_queue,
                  format_duration(options.request_timeout)));
  if (on_listening) on_listening(port);
  http.listen();
  {
    std::lock_guard<std::mutex> lock(started);
    service = nullptr;
  }
  log("serve: stopped");
  return 0;
}

}  // namespace gb
