// greenbatch run: one model, one device, and the product of the given rates x policies, each run
// against a fresh arrival schedule from the same seed. The model is loaded and warmed up once.
#include "batching/policy.h"
#include "commands.h"
#include "common/errors.h"
#include "common/parse.h"
#include "experiment/run_grid.h"
#include "options.h"
#include "progress.h"
#include "workload/arrivals.h"

namespace gb::cli {
namespace {

struct RunArgs {
  RunSpec base;
  std::string arrival = "paper";
  std::vector<std::string> rates{"64"};
  std::vector<std::string> policies{"fixed:16"};
  std::vector<std::string> power_limits, gpu_clocks;
  int64_t requests = 0;
  bool requests_given = false;  // else kDefaultRunRequests, or a trace's length
  int64_t warmup_batches = 8, warmup_batch_size = 32;
  std::string sample_interval = "10ms";
  std::string idle_seconds = "5";
  Nanos cooldown{0};
  std::string out = "results";
  bool no_traces = false, json = false;
};

std::vector<Configuration> configurations(RunArgs& a) {
  RunGrid g{a.base, a.arrival, {}, a.policies, a.power_limits, a.gpu_clocks};
  RunSpec& b = g.base;
  b.requests = a.requests_given ? check_count(a.requests, "--requests", 1, kMaxRequests) : 0;
  b.warmup_batches = check_count(a.warmup_batches, "--warmup-batches", 0);
  b.warmup_batch_size = check_count(a.warmup_batch_size, "--warmup-batch-size", 1, kMaxWarmupBatch);
  b.sample_interval = parse_duration(a.sample_interval, "--sample-interval");
  if (b.sample_interval.count() <= 0) throw UsageError("--sample-interval must be > 0");
  b.idle_duration = parse_seconds_or_duration(a.idle_seconds, "--idle-seconds");
  b.model_seed = b.seed;
  for (const std::string& r : a.rates) g.rates.push_back(parse_rate_option(r));
  return expand_run_grid(g);
}

int run_command(RunArgs& a) {
  const std::vector<Configuration> configs = configurations(a);
  return run_into_folder(configs, a.out, !a.no_traces, a.json,
                         progress_options(configs, false, a.cooldown));
}

}  // namespace

Command register_run(CLI::App& app) {
  auto args = std::make_shared<RunArgs>();
  RunArgs& a = *args;
  CLI::App* run = app.add_subcommand(
      "run", "Run a model against a stream of requests under one or more batching policies");
  add_wide_flag(run);
  run->footer(
      "\nExamples:\n"
      "  greenbatch run --model shufflenet_v2_x0_5 --rate 64 --policy fixed:16 --requests 256\n"
      "  greenbatch run --model alexnet --rate 32 --policy fixed:8 --policy greedy\n"
      "  greenbatch run --model noop --arrival offline --requests 2000000 --policy greedy:128\n"
      "Policies: fixed:N  fixed:N,timeout=250ms  greedy[:CAP]  triton:max=M[,preferred=A|B]"
      "[,delay=T]\n          torchserve:batch=N[,delay=T]  aimd:slo=T  slo:T and offline:T "
      "(need --profile P.json)");
  add_model_option(run, a.base.model,
                   "built-in model (see `greenbatch models`), noop, or a TorchScript file");
  add_session_options(run, a.base);
  run->add_option("--profile", a.base.profile,
                  "profile of the model (greenbatch profile): needed by slo:T and offline:T");
  run->add_option("--arrival", a.arrival,
                  "paper | constant | poisson | offline | bursty[:on=R,off=R,on_time=T,off_time=T] "
                  "| trace:FILE")
      ->capture_default_str();
  run->add_option("--rate,-r", a.rates, "requests per second (repeatable)")->capture_default_str();
  run->add_option("--policy,-p", a.policies, "batching policy (repeatable)")->capture_default_str();
  CLI::Option* requests =
      run->add_option("--requests,-n", a.requests,
                      "requests per run (default 512; a trace's length for --arrival trace:FILE)");
  run->add_option("--warmup-batches", a.warmup_batches, "warm-up batches before measuring")
      ->capture_default_str();
  run->add_option("--warmup-batch-size", a.warmup_batch_size, "size of each warm-up batch")
      ->capture_default_str();
  run->add_option("--seed", a.base.seed, "seed of the arrival schedule and model initialisation")
      ->capture_default_str();
  run->add_option("--sample-interval", a.sample_interval, "power sampling interval")
      ->capture_default_str();
  run->add_option("--idle-seconds", a.idle_seconds,
                  "idle baseline before measuring, model loaded (0 disables)")
      ->capture_default_str();
  run->add_option("--peak-threshold", a.base.peak_threshold_w,
                  "power (W) above which samples count as peak (the paper used 65 W)")
      ->capture_default_str();
  add_cooldown_option(run, a.cooldown);
  add_gpu_grid_options(run, a.power_limits, a.gpu_clocks);
  run->add_option("--out,-o", a.out, "result folder (appended to)")->capture_default_str();
  run->add_flag("--no-traces", a.no_traces, "skip requests.csv and power.csv (for very long runs)");
  run->add_flag("--json", a.json, "print the runs' summary rows as JSON instead of the table");
  return [args, requests] {
    args->requests_given = requests->count() > 0;
    return run_command(*args);
  };
}

}  // namespace gb::cli
