#include "experiment/load_session.h"

#include <fmt/format.h>
#include <httplib.h>

#include <algorithm>
#include <map>
#include <set>

#include "common/errors.h"
#include "common/parse.h"
#include "energy/meters.h"
#include "experiment/serve_process.h"
#include "models/engine.h"
#include "serving/server_url.h"

namespace gb {
namespace {

ModelMetadata fetch_metadata(const ServerUrl& url, const std::string& model) {
  httplib::Client c(url.host, url.port);
  c.set_connection_timeout(10);
  c.set_read_timeout(30);
  const std::string path = url.path("/v2/models/" + model);
  const auto res = c.Get(path.c_str());
  if (!res) {
    throw UsageError("cannot reach " + url.text + " (" + httplib::to_string(res.error()) +
                     "): is the server running, and is --url its HTTP address?");
  }
  if (res->status != 200) {
    const Answer a = check_answer(res->body, "");
    throw UsageError(fmt::format("{} answers GET {} with {}{}: does it serve a model named '{}'?",
                                 url.text, path, res->status,
                                 a.error.empty() ? "" : " (" + a.error + ")", model));
  }
  return parse_model_metadata(res->body, url.text + path);
}

class HttpDriver final : public RequestDriver {
 public:
  // `server`: the one a "serve" target started (stopped with the driver), or null.
  HttpDriver(std::unique_ptr<ServeProcess> server, ServerUrl url, ModelMetadata model,
             std::vector<WireRequest> requests, const LoadOptions& o, std::string sent_as,
             std::string energy_scope)
      : server_(std::move(server)),
        url_(url),
        model_(std::move(model)),
        requests_(std::move(requests)),
        sender_(url, url.path("/v2/models/" + model_.name + "/infer"), o.open_loop),
        sent_as_(std::move(sent_as)),
        energy_scope_(std::move(energy_scope)) {
    sender_.warm(o.warm_connections);
  }

  RunTrace drive(const std::vector<Nanos>& schedule, const RunSpec&,
                 SteadyClock::time_point origin) override {
    records_ = sender_.run(schedule, requests_, origin);
    RunTrace t;
    t.scheduled = schedule;
    t.released.resize(schedule.size());
    for (std::size_t i = 0; i < records_.size(); ++i) {
      const SendRecord& r = records_[i];
      t.released[i] = r.sent;
      t.end = std::max(t.end, r.done);
      if (r.outcome != SendOutcome::kAnswered) continue;
      // The server's own service time, where it says it; else the whole answer is service.
      const Nanos start =
          r.service_s ? std::max(r.sent, r.done - from_seconds(*r.service_s)) : r.sent;
      t.batches.push_back({i, 1, start, r.done});
    }
    t.realtime_issuer = sender_.realtime_sender();
    return t;
  }

  std::size_t completed() const override { return sender_.completed(); }

  void annotate(RunSummary& s) const override {
    LoadFigures l;
    l.url = url_.text;
    l.server = !model_.policy.empty() ? "greenbatch serve, policy " + model_.policy
               : model_.platform.empty()
                   ? "an Open Inference Protocol server"
                   : "an Open Inference Protocol server (" + model_.platform + ")";
    l.sent_as = sent_as_;
    l.sent = records_.size();
    std::map<int, std::size_t> statuses;
    std::map<uint64_t, std::pair<std::size_t, double>> batches;  // id -> size, service
    bool all_batched = true;
    for (const SendRecord& r : records_) {
      switch (r.outcome) {
        case SendOutcome::kAnswered:
          ++l.answered;
          if (r.batch && r.batch_size && r.service_s) {
            batches[*r.batch] = {*r.batch_size, *r.service_s};
          } else {
            all_batched = false;
          }
          break;
        case SendOutcome::kHttpError:
          ++l.http_errors;
          ++statuses[r.status];
          break;
        case SendOutcome::kTimeout:
          ++l.timed_out;
          break;
        case SendOutcome::kConnection:
          ++l.connection_errors;
          break;
        case SendOutcome::kBadAnswer:
          ++l.bad_answers;
          break;
      }
    }
    l.statuses.assign(statuses.begin(), statuses.end());
    l.errors = sender_.errors();
    l.connections = sender_.connections();
    l.energy_scope = energy_scope_;
    l.server_batches = all_batched && l.answered > 0;
    const double per_request_service = s.mean_service_per_request_s * s.requests;
    s.requests = l.answered;
    s.throughput_rps = s.time_s > 0 ? l.answered / s.time_s : 0;
    s.mean_service_per_request_s = l.answered ? per_request_service / l.answered : 0;
    s.capacity_rps.reset();
    s.overloaded = false;
    if (l.server_batches) {
      double busy = 0, images = 0;
      for (const auto& [id, b] : batches) {
        busy += b.second;
        images += static_cast<double>(b.first);
      }
      s.batches = batches.size();
      s.mean_batch_size = images / static_cast<double>(batches.size());
      if (busy > 0) s.capacity_rps = images / busy;
      s.overloaded = s.capacity_rps && s.offered_rps && *s.capacity_rps < 0.9 * *s.offered_rps;
    }
    s.load = std::move(l);
  }

 private:
  std::unique_ptr<ServeProcess> server_;  // declared first: it outlives the connections
  ServerUrl url_;
  ModelMetadata model_;
  std::vector<WireRequest> requests_;
  OpenLoopSender sender_;
  std::string sent_as_, energy_scope_;
  std::vector<SendRecord> records_;
};

std::vector<std::string> serve_arguments(const RunSpec& s) {
  std::vector<std::string> a = {
      "--model", s.model.name, "--policy", s.policy.canonical(), "--device", s.device.text,
      "--warmup-batches", std::to_string(s.warmup_batches), "--warmup-batch-size",
      std::to_string(s.warmup_batch_size), "--seed", std::to_string(s.model_seed),
      // The load measures; the server's own meter only feeds /metrics.
      "--meter", "estimate", "--sample-interval", "1s",
      // As an in-process run: no request is refused or given up on.
      "--max-queue", std::to_string(std::max<std::size_t>(1024, s.requests)), "--request-timeout",
      "60m"};
  if (s.threads > 0) a.insert(a.end(), {"--threads", std::to_string(s.threads)});  // 0: default
  a.insert(a.end(), {"--engine", std::string(engine_label(s.engine)), "--precision",
                     std::string(precision_label(s.precision))});
  if (!s.weights.empty()) a.insert(a.end(), {"--weights", s.weights});
  if (!s.profile.empty()) a.insert(a.end(), {"--profile", s.profile});
  return a;
}

}  // namespace

std::unique_ptr<ExperimentSession> open_load_session(const Configuration& config,
                                                     const LoadOptions& o, const LogFn& log) {
  const RunSpec& spec = config.spec;
  std::unique_ptr<ServeProcess> server;
  ServerUrl url;
  if (spec.target == "serve") {
    log(fmt::format("starting greenbatch serve --model {} --policy {}", spec.model.name,
                    spec.policy.canonical()));
    server = start_serve(o.serve_binary.empty() ? own_executable() : o.serve_binary,
                         serve_arguments(spec), o.serve_log);
    url = ServerUrl::parse(server->url());
  } else {
    url = ServerUrl::parse(spec.target);
  }
  log("load: reading model '" + spec.model.name + "' at " + url.text);
  ModelMetadata model = fetch_metadata(url, spec.model.name);
  if (model.name.empty()) model.name = spec.model.name;
  if (!model.policy.empty() && model.policy != spec.policy.canonical()) {
    throw UsageError(url.text + " says it batches with " + model.policy + ", not " +
                     spec.policy.canonical() + ": give --policy " + model.policy +
                     " (or none: greenbatch serve says its own)");
  }
  const ImageSet images =
      spec.images.empty() ? ImageSet::builtin() : ImageSet::from_folder(spec.images);
  const std::string sent_as = describe_requests(model, o.format);
  std::vector<WireRequest> requests = build_requests(model, images, o.format);

  SessionParts parts;
  std::string why;
  std::string scope;
  if (is_this_machine(url.host, &why)) {
    MeterOptions meters = meter_options(spec);
    const std::optional<int> pid =
        server ? std::optional<int>(server->pid()) : process_listening_on(url.port);
    meters.estimator.pid = pid.value_or(-1);
    parts.meters = open_meters(meters);
    const bool estimated = std::any_of(parts.meters.begin(), parts.meters.end(), [](const auto& m) {
      return m->method() == EnergyMethod::kEstimate;
    });
    if (estimated && !pid) {
      parts.meters.clear();
      scope = fmt::format(
          "none: only the CPU estimate is available here, and it models a process, but none "
          "visible to this user listens on port {}",
          url.port);
    } else {
      scope = "this machine's meters (" + why + ")" +
              (estimated ? fmt::format("; the estimate models the server's process {}", *pid) : "");
    }
  } else {
    scope = "none: " + why + ", so this machine's meters do not see it (latency only)";
  }
  log("load: " + sent_as + "; energy: " + scope);
  parts.driver = std::make_unique<HttpDriver>(std::move(server), url, model, std::move(requests), o,
                                              sent_as, scope);
  parts.device_name = spec.device.text + " behind " + url.text;
  parts.images_source = images.source();
  return std::make_unique<ExperimentSession>(spec, std::move(parts),
                                             [&](const std::string& m) { log("  " + m); });
}

std::string served_policy(const std::string& target, const std::string& model) {
  return fetch_metadata(ServerUrl::parse(target), model).policy;
}

void use_load_sessions(CampaignOptions& campaign, const LoadOptions& options,
                       const std::string& target) {
  if (target.empty()) return;
  campaign.open_session = [options](const Configuration& first, std::size_t, const LogFn& log) {
    return open_load_session(first, options, log);
  };
  campaign.session_per_run = target == "serve";
}

}  // namespace gb
