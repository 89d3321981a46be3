// greenbatch load: an open-loop stream of requests against any Open Inference Protocol server
// (greenbatch serve, Triton, TorchServe, KServe), measured into the same summaries and run folder
// as `run` (docs/serving.md).
#include "batching/policy.h"
#include "commands.h"
#include "common/parse.h"
#include "experiment/load_session.h"
#include "options.h"
#include "progress.h"
#include "serving/server_url.h"

namespace gb::cli {
namespace {

struct LoadArgs {
  RunSpec base;
  LoadOptions load;
  std::string url, arrival = "paper", policy, format = "binary", out = "results";
  std::vector<std::string> rates{"64"};
  int64_t requests = 512, connections = 1024;
  std::string idle_seconds = "5", sample_interval = "10ms", timeout = "30s";
  bool no_traces = false, json = false;
};

std::vector<Configuration> configurations(LoadArgs& a) {
  RunSpec& b = a.base;
  b.target = ServerUrl::parse(a.url).text;
  b.requests = check_count(a.requests, "--requests", 1, kMaxRequests);
  b.sample_interval = parse_duration(a.sample_interval, "--sample-interval");
  if (b.sample_interval.count() <= 0) throw UsageError("--sample-interval must be > 0");
  b.idle_duration = parse_seconds_or_duration(a.idle_seconds, "--idle-seconds");
  a.load.open_loop.timeout = parse_duration(a.timeout, "--timeout");
  if (a.load.open_loop.timeout.count() <= 0) throw UsageError("--timeout must be > 0");
  a.load.open_loop.max_connections = check_count(a.connections, "--connections", 1, 65536);
  if (a.format != "binary" && a.format != "json") {
    throw UsageError("--format '" + a.format + "': binary (tensors after the JSON) or json");
  }
  a.load.format = a.format == "json" ? WireFormat::kJson : WireFormat::kBinary;
  ExperimentFile grid;
  for (const std::string& r : a.rates) grid.rates.push_back(parse_rate_option(r));
  for (double rate : grid.rates) parse_arrival(a.arrival, rate);
  if (a.policy.empty()) a.policy = served_policy(b.target, b.model.name);
  if (a.policy.empty()) {
    throw UsageError("--policy is needed: " + b.target +
                     " does not say how it batches (greenbatch "
                     "serve does); name its settings for the record, e.g. triton:max=8,delay=1ms");
  }
  grid.base = b;
  grid.models = {b.model.name};
  grid.arrivals = {a.arrival};
  grid.policies = {a.policy};
  return expand(grid);
}

int load_command(LoadArgs& a) {
  const std::vector<Configuration> configs = configurations(a);
  CampaignOptions campaign = progress_options(configs);
  use_load_sessions(campaign, a.load, a.base.target);
  return run_into_folder(configs, a.out, !a.no_traces, a.json, campaign);
}

}  // namespace

Command register_load(CLI::App& app) {
  auto args = std::make_shared<LoadArgs>();
  LoadArgs& a = *args;
  CLI::App* cmd = app.add_subcommand(
      "load", "Drive an Open Inference Protocol server with an open-loop stream and measure it");
  cmd->footer(
      "\nExamples:\n"
      "  greenbatch load --url http://127.0.0.1:8000 --model shufflenet_v2_x0_5 --rate 64\n"
      "  greenbatch load --url http://127.0.0.1:8000 --model resnet50 --policy "
      "\"triton:max=8,delay=1ms\"\n"
      "Energy only when the server runs on this machine; latency always. docs/serving.md");
  cmd->add_option("--url", a.url, "the server, http://HOST[:PORT][/PREFIX]")->required();
  add_parsed_option(cmd, "--model,-m", a.base.model, served_model, "the model's name on the server")
      ->required();
  cmd->add_option("--policy,-p", a.policy,
                  "the server's batching, for the record (default: what greenbatch serve says)");
  add_parsed_option(cmd, "--device,-d", a.base.device, Device::parse,
                    "the server's device, for this machine's meters")
      ->default_str("cpu");
  cmd->add_option("--images", a.base.images, "folder of JPEG/PNG images (default: built-in)");
  cmd->add_option("--meter", a.base.meter, "auto | nvml | rapl | nvml,rapl | estimate")
      ->capture_default_str();
  cmd->add_option("--gpu-index", a.base.gpu_index, "NVML's index of the GPU measured");
  cmd->add_option("--powercap-root", a.base.powercap_root, "root of the powercap sysfs tree")
      ->capture_default_str();
  cmd->add_option("--arrival", a.arrival, "paper | constant | poisson | offline | bursty | trace:F")
      ->capture_default_str();
  cmd->add_option("--rate,-r", a.rates, "requests per second (repeatable)")->capture_default_str();
  cmd->add_option("--requests,-n", a.requests, "requests per run")->capture_default_str();
  cmd->add_option("--seed", a.base.seed, "seed of the arrival schedule")->capture_default_str();
  cmd->add_option("--format", a.format, "binary | json")->capture_default_str();
  cmd->add_option("--timeout", a.timeout, "a request unanswered this long counts as timed out")
      ->capture_default_str();
  cmd->add_option("--connections", a.connections, "most connections open at once")
      ->capture_default_str();
  cmd->add_option("--idle-seconds", a.idle_seconds, "idle baseline, server idle (0 disables)")
      ->capture_default_str();
  cmd->add_option("--sample-interval", a.sample_interval, "power sampling interval")
      ->capture_default_str();
  cmd->add_option("--out,-o", a.out, "result folder (appended to)")->capture_default_str();
  cmd->add_flag("--no-traces", a.no_traces, "skip requests.csv and power.csv");
  cmd->add_flag("--json", a.json, "print the runs' summary rows as JSON instead of the table");
  return [args] { return load_command(*args); };
}

}  // namespace gb::cli
