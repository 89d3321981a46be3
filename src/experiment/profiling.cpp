#include "experiment/profiling.h"

#include <ATen/Parallel.h>

#include <algorithm>
#include <cmath>
#include <thread>
#include <utility>

#include "common/errors.h"
#include "common/files.h"
#include "common/parse.h"
#include "energy/sampler.h"
#include "results/energy_account.h"
#include "results/levers.h"
#include "results/machine.h"

namespace gb {
namespace {

std::vector<std::size_t> parse_sizes(const std::string& text) {
  std::vector<std::size_t> sizes;
  for (const std::string& s : split(text, ',')) {
    const int64_t n = parse_int(trim(s), "batch size");
    if (n < 1 || n > static_cast<int64_t>(kMaxProfiledBatch)) {
      throw UsageError("batch sizes must be in 1.." + std::to_string(kMaxProfiledBatch) + ", got " +
                       s);
    }
    if (!sizes.empty() && static_cast<std::size_t>(n) <= sizes.back()) {
      throw UsageError("--batch-sizes must increase: " + text);
    }
    sizes.push_back(static_cast<std::size_t>(n));
  }
  if (sizes.empty()) throw UsageError("--batch-sizes is empty");
  return sizes;
}

// What one round asks of every size: its share of the whole profile's isolated and short-gap
// batches. Isolated batches are taken until there are `isolated_target` of them and
// `isolated_time` has passed, or until `isolated_limit` has passed, and never fewer than
// `isolated_min`; short-gap batches by the same rule with `short_gap_target`.
struct RoundShare {
  std::size_t isolated_min = 1, isolated_target = 1, short_gap_target = 1;
  Nanos isolated_time{0}, isolated_limit{0};
};

RoundShare round_share(const ProfilePlan& plan) {
  const std::size_t rounds = plan.rounds;
  const auto share = [&](std::size_t total) { return (total + rounds - 1) / rounds; };
  RoundShare r;
  // At least 100 isolated batches in all (a p99 needs 1-in-100 events), within eight windows'
  // time and never fewer than --min-batches (--quick: fewer, within four).
  r.isolated_min = share(plan.min_batches);
  r.isolated_target = share(plan.isolated_total);
  // Short-gap batches are cheap, and the max of a 128-request stream is a 1-in-128 event: a
  // single slow batch among 100 samples would stand for 1 %, so take 300.
  r.short_gap_target = share(plan.short_gap_total);
  r.isolated_time = plan.window / static_cast<int64_t>(rounds);
  r.isolated_limit =
      static_cast<int64_t>(plan.paced_limit_windows) * plan.window / static_cast<int64_t>(rounds);
  return r;
}

// Seconds of `paced` (below) with batches of `service_s` after `pause` each, by the isolated-batch
// counting rule: whole batches until the minimum is met and either the limit has passed or both
// the target count and the time have been reached.
double paced_seconds(const RoundShare& r, Nanos pause, std::size_t target, double service_s) {
  const double each = to_seconds(pause) + service_s;
  if (each <= 0) return 0;
  const auto batches = [&](double seconds) { return std::ceil(seconds / each); };
  const double by_target =
      std::max(batches(to_seconds(r.isolated_time)), static_cast<double>(target));
  const double n = std::max(static_cast<double>(r.isolated_min),
                            std::min(by_target, batches(to_seconds(r.isolated_limit))));
  return n * each;
}

// One size's turn in one round, added to `into`: settling, one energy window, then the isolated
// and the short-gap batches (docs/simulator.md, "The profile").
void measure_turn(ExperimentSession& session, const ProfilePlan& plan, const RoundShare& r,
                  std::size_t size, bool first, double idle_w, ProfiledBatchBuilder& into) {
  BatchExecutor& ex = session.executor();
  // Settling: the first batches of a size allocate its buffers, and after a long idle period (the
  // idle baseline, or another size's isolated batches) this VM ran the first second of batches up
  // to 10x slower.
  const auto settle_start = SteadyClock::now();
  for (std::size_t k = 0; k < (first ? 2u : 1u) || SteadyClock::now() - settle_start < plan.settle;
       ++k) {
    ex.execute(k * size, size);
  }
  PowerSampler sampler(session.meters(), session.spec().sample_interval, SteadyClock::now());
  sampler.start();
  const auto measure = [&](auto&& batches) {
    const EnergyReading begin = sampler.read_energy();
    batches();
    const EnergyReading end = sampler.read_energy();
    if (auto err = sampler.error()) throw RunError("energy meter failed while profiling: " + *err);
    const EnergyAccount a = account_energy(sampler, sampler.samples(), begin, end);
    return std::make_pair(a.gross_j(), a.gross_j() - idle_w * a.seconds);
  };

  std::vector<double> service;
  const auto [gross_j, dynamic_j] = measure([&] {
    const auto t0 = SteadyClock::now();
    do {
      const auto t = SteadyClock::now();
      ex.execute(service.size() * size, size);
      service.push_back(to_seconds(SteadyClock::now() - t));
    } while (SteadyClock::now() - t0 < plan.window || service.size() < plan.min_batches);
  });
  into.add_window(service, gross_j, dynamic_j);

  // Batches each after `pause` of idleness, by the isolated-batch counting rule. Tails matter
  // here: a lone batch is what a sparse stream's response time is made of, and the p99 of a few
  // hundred requests is a 1-in-100 service time.
  const auto paced = [&](Nanos pause, std::size_t target) {
    std::vector<double> out;
    const auto t0 = SteadyClock::now();
    do {
      std::this_thread::sleep_for(pause);
      const auto t = SteadyClock::now();
      ex.execute(out.size() * size, size);
      out.push_back(to_seconds(SteadyClock::now() - t));
    } while (out.size() < r.isolated_min ||
             (SteadyClock::now() - t0 < r.isolated_limit &&
              (out.size() < target || SteadyClock::now() - t0 < r.isolated_time)));
    return out;
  };
  if (plan.gap.count() > 0) {
    std::vector<double> lone;
    const double lone_dynamic_j = measure([&] {
                                    lone = paced(plan.gap, r.isolated_target);
                                    // The last batch's tail belongs to it too.
                                    std::this_thread::sleep_for(plan.gap);
                                  }).second;
    into.add_isolated(lone, lone_dynamic_j);
  }
  if (plan.short_gap.count() > 0) {
    ex.execute(0, size);  // unmeasured: the first would follow the isolated batches' long gap
    into.add_short_gap(paced(plan.short_gap, r.short_gap_target));
  }
  sampler.stop();
}

}  // namespace

double estimate_turn_seconds(const ProfilePlan& plan, double service_s) {
  const RoundShare r = round_share(plan);
  const double settle = std::max(to_seconds(plan.settle), service_s);
  const double window =
      std::max(to_seconds(plan.window), static_cast<double>(plan.min_batches) * service_s) +
      service_s;
  double paced = 0;
  if (plan.gap.count() > 0) {
    paced += paced_seconds(r, plan.gap, r.isolated_target, service_s) + to_seconds(plan.gap);
  }
  if (plan.short_gap.count() > 0) {
    paced += service_s + paced_seconds(r, plan.short_gap, r.short_gap_target, service_s);
  }
  return settle + window + paced;
}

ProfilePlan make_profile_plan(const ProfileOptions& o) {
  ProfilePlan plan;
  if (o.quick) {
    plan.isolated_total = 30;
    plan.short_gap_total = 100;
    plan.paced_limit_windows = 4;
  }
  plan.sizes = parse_sizes(o.sizes);
  plan.window = parse_duration(o.window);
  if (plan.window.count() <= 0) throw UsageError("--window must be > 0");
  if (o.windows < 1) throw UsageError("--windows must be >= 1");
  plan.rounds = static_cast<std::size_t>(o.windows);
  plan.gap = parse_duration(o.gap);
  plan.short_gap = parse_duration(o.short_gap);
  if (plan.gap.count() > 0 && plan.short_gap * 2 >= plan.gap) {
    throw UsageError(
        "--short-gap must be under half of --gap (longer idleness counts as isolated)");
  }
  plan.settle = parse_duration(o.settle);
  if (o.min_batches < 1) throw UsageError("--min-batches must be >= 1");
  plan.min_batches = static_cast<std::size_t>(o.min_batches);
  if (!(o.idle_seconds > 0)) {
    throw UsageError("--idle-seconds must be > 0: dynamic energy needs the idle baseline");
  }
  plan.idle = seconds_to_nanos(o.idle_seconds, "--idle-seconds");
  if (o.warmup_batches < 0) throw UsageError("--warmup-batches must be >= 0");
  plan.warmup_batches = static_cast<std::size_t>(o.warmup_batches);
  return plan;
}

RunSpec profiling_spec(const RunSpec& base, const ProfilePlan& plan) {
  RunSpec spec = base;
  spec.idle_duration = plan.idle;
  spec.warmup_batches = plan.warmup_batches;
  spec.warmup_batch_size = std::min<std::size_t>(32, plan.sizes.back());
  return spec;
}

ServiceProfile profile_session(ExperimentSession& session, const ProfilePlan& plan,
                               const ProfileStepFn& on_step, const GpuSetting& gpu) {
  const SessionSpec& spec = session.spec();
  // The whole profile under the setting; restored below, or by the session when this throws.
  const GpuPrepared prepared = session.apply_gpu(gpu);
  ServiceProfile p;
  p.model = spec.model.name;
  p.device = spec.device.text;
  p.device_name = session.device_name();
  p.images = session.images_source();
  p.threads = at::get_num_threads();
  RunSpec measured(spec, RunSettings{});
  measured.gpu = gpu;
  for (const Lever& l : levers()) p.levers[std::string(l.name)] = l.get(measured);
  p.levers["threads"] = std::to_string(p.threads);  // the count it ran with, not "default"
  p.numeric_cost = session.numeric_cost();
  p.energy_method = session.energy_method();
  p.energy_detail = session.energy_detail();
  for (double w : prepared.idle_w.empty() ? session.idle_power_w() : prepared.idle_w) {
    p.idle_power_w += w;
  }
  p.created_utc = utc_now();
  p.isolation_gap_s = to_seconds(plan.gap);
  p.short_gap_s = to_seconds(plan.short_gap);
  p.machine = describe_machine(spec.powercap_root);

  const RoundShare share = round_share(plan);
  // One unmeasured batch per size: what the estimate of each turn starts from.
  std::vector<double> turn_estimate;
  for (std::size_t size : plan.sizes) {
    const auto t = SteadyClock::now();
    session.executor().execute(0, size);
    turn_estimate.push_back(estimate_turn_seconds(plan, to_seconds(SteadyClock::now() - t)));
  }
  double estimate_left = 0;
  for (double e : turn_estimate) estimate_left += e * static_cast<double>(plan.rounds);
  double estimate_done = 0;
  ProfileStep step;
  step.rounds = plan.rounds;
  step.turns = plan.rounds * plan.sizes.size();
  std::vector<ProfiledBatchBuilder> builders(plan.sizes.begin(), plan.sizes.end());
  const auto start = SteadyClock::now();
  for (std::size_t r = 0; r < plan.rounds; ++r) {
    for (std::size_t i = 0; i < plan.sizes.size(); ++i, ++step.turn) {
      step.round = r;
      step.size = plan.sizes[i];
      step.elapsed_s = to_seconds(SteadyClock::now() - start);
      step.left_s = estimate_left * (estimate_done > 0 ? step.elapsed_s / estimate_done : 1.0);
      if (on_step) on_step(step);
      measure_turn(session, plan, share, plan.sizes[i], r == 0, p.idle_power_w, builders[i]);
      estimate_done += turn_estimate[i];
      estimate_left -= turn_estimate[i];
    }
  }
  for (const ProfiledBatchBuilder& builder : builders) p.batches.push_back(builder.build());
  session.restore_gpu();
  return p;
}

ServiceProfile profile_model(const RunSpec& base, const ProfilePlan& plan, const LogFn& log,
                             const ProfileStepFn& on_step) {
  ExperimentSession session(profiling_spec(base, plan), plan.sizes.back(), log);
  return profile_session(session, plan, on_step, base.gpu);
}

}  // namespace gb
