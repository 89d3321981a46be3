// greenbatch serve: one model behind the Open Inference Protocol (KServe v2 REST), batched by a
// policy over the live stream of requests, until SIGTERM or SIGINT (docs/serving.md).
#include <cstdio>

#include "commands.h"
#include "common/parse.h"
#include "options.h"
#include "serving/serve.h"

namespace gb::cli {
namespace {

struct ServeArgs {
  ServeSpec spec;
  int64_t warmup_batches = 8, warmup_batch_size = 32, max_queue = 1024, max_body_mib = 16;
  int64_t max_connections = 4096;
};

int serve_command(ServeArgs& a) {
  ServeSpec& s = a.spec;
  s.session.warmup_batches = check_count(a.warmup_batches, "--warmup-batches", 0);
  s.session.warmup_batch_size =
      check_count(a.warmup_batch_size, "--warmup-batch-size", 1, kMaxWarmupBatch);
  if (s.session.sample_interval.count() <= 0) throw UsageError("--sample-interval must be > 0");
  s.service.max_queue = check_count(a.max_queue, "--max-queue", 1, 1 << 24);
  s.http.max_body_bytes = check_count(a.max_body_mib, "--max-body-mib", 1, 4096) << 20;
  s.http.max_connections = check_count(a.max_connections, "--max-connections", 1, 65536);
  const auto log = [](const std::string& line) {
    std::fprintf(stderr, "%s\n", line.c_str());
    std::fflush(stderr);
  };
  // The one line on stdout, for scripts and tests that start a server on --port 0.
  const auto listening = [&](int port) {
    std::printf("listening on http://%s:%d\n", s.http.host.c_str(), port);
    std::fflush(stdout);
  };
  return serve(s, log, listening);
}

}  // namespace

Command register_serve(CLI::App& app) {
  auto args = std::make_shared<ServeArgs>();
  ServeArgs& a = *args;
  ServeSpec& s = a.spec;
  s.session.sample_interval = std::chrono::milliseconds(100);
  s.policy = PolicySpec::parse("greedy");
  CLI::App* cmd = app.add_subcommand(
      "serve", "Serve a model over the Open Inference Protocol (KServe v2 REST) with a policy");
  cmd->footer(
      "\nExamples:\n"
      "  greenbatch serve --model shufflenet_v2_x0_5 --policy slo:100ms --profile p.json\n"
      "  greenbatch serve --model noop --policy greedy --port 0 --energy-per-request\n"
      "Endpoints: /v2/health/live|ready, /v2/models/M[/ready], POST /v2/models/M/infer, /metrics\n"
      "Not served: offline:T (needs the future), fixed:N without a timeout (would never flush)");
  add_model_option(cmd, s.session.model, "built-in model, noop, or a TorchScript file");
  add_session_options(cmd, s.session);
  add_parsed_option(cmd, "--policy,-p", s.policy, PolicySpec::parse, "batching policy")
      ->default_str("greedy");
  cmd->add_option("--profile", s.profile, "profile of the model (greenbatch profile): for slo:T");
  cmd->add_option("--host", s.http.host, "address to listen on")->capture_default_str();
  cmd->add_option("--port", s.http.port, "TCP port; 0 picks a free one (printed on stdout)")
      ->check(CLI::Range(0, 65535))
      ->capture_default_str();
  cmd->add_option("--max-queue", a.max_queue, "images queued at most; beyond, 503 at once")
      ->capture_default_str();
  add_parsed_option(
      cmd, "--request-timeout", s.service.request_timeout,
      [](const std::string& t) { return parse_duration(t, "--request-timeout"); },
      "a request still queued this long after its body was read gets 504")
      ->default_str("30s");
  cmd->add_option("--max-body-mib", a.max_body_mib, "largest request body, MiB (413 beyond)")
      ->capture_default_str();
  cmd->add_option("--max-connections", a.max_connections, "connections served at once")
      ->capture_default_str();
  cmd->add_flag("--energy-per-request", s.service.energy_per_request,
                "answer each request with its share of its batch's energy (parameters.energy_j)");
  cmd->add_option("--warmup-batches", a.warmup_batches, "warm-up batches before listening")
      ->capture_default_str();
  cmd->add_option("--warmup-batch-size", a.warmup_batch_size, "size of each warm-up batch")
      ->capture_default_str();
  cmd->add_option("--seed", s.session.model_seed, "seed of a built-in model's initialisation")
      ->capture_default_str();
  add_parsed_option(
      cmd, "--sample-interval", s.session.sample_interval,
      [](const std::string& t) { return parse_duration(t, "--sample-interval"); },
      "energy meters' reading interval, for /metrics")
      ->default_str("100ms");
  return [args] { return serve_command(*args); };
}

}  // namespace gb::cli
