#include "experiment/campaign.h"

#include <fmt/format.h>

#include <algorithm>
#include <thread>

#include "common/errors.h"
#include "common/parse.h"
#include "workload/arrivals.h"

namespace gb {

std::vector<std::size_t> campaign_order(const std::vector<Configuration>& configs, bool rounds) {
  std::vector<std::size_t> order;
  order.reserve(configs.size());
  for (const SessionGroup& g : group_by_session(configs)) {
    std::size_t reps = 1;
    for (std::size_t i = g.begin; i < g.end; ++i) reps = std::max(reps, configs[i].repetition + 1);
    if (!rounds) reps = 1;
    for (std::size_t rep = 0; rep < reps; ++rep) {
      for (std::size_t i = g.begin; i < g.end; ++i) {
        if (!rounds || configs[i].repetition == rep) order.push_back(i);
      }
    }
  }
  return order;
}

void run_campaign(const std::vector<Configuration>& configs, ResultSink& sink,
                  const CampaignOptions& o) {
  const LogFn log = o.log ? o.log : [](const std::string&) {};
  const std::vector<std::size_t> order = campaign_order(configs, o.rounds);
  const auto open = [&](const Configuration& first, std::size_t max_batch) {
    if (o.open_session) return o.open_session(first, max_batch, log);
    log(fmt::format("loading {} on {}", first.spec.model.name, first.spec.device.text));
    return std::make_unique<ExperimentSession>(first.spec, max_batch,
                                               [&](const std::string& m) { log("  " + m); });
  };
  std::size_t k = 0;
  const auto run_next = [&](ExperimentSession& session) {
    const Configuration& c = configs[order[k]];
    if (k > 0 && o.cooldown.count() > 0) {
      log("  cooling down for " + format_duration(o.cooldown));
      o.sleep ? o.sleep(o.cooldown) : std::this_thread::sleep_for(o.cooldown);
    }
    if (o.on_start) o.on_start(k + 1, order.size(), c);
    const auto t0 = SteadyClock::now();
    RunOutcome outcome = session.run(c.spec, [&](std::size_t done, std::size_t total, double sec) {
      if (o.on_progress) o.on_progress(c, done, total, sec);
    });
    if (!outcome.summary.complete) {
      const std::string where = sink.keep_incomplete(c, outcome, session);
      throw RunError(fmt::format(
          "{} {}: {}; what was measured until then is in {} "
          "(complete=false)",
          c.spec.model.name, c.spec.policy.canonical(), outcome.summary.incomplete_reason, where));
    }
    const double seconds = to_seconds(SteadyClock::now() - t0);
    // A sink may take the summary over; the callback gets its own copy.
    const RunSummary summary = o.on_done ? outcome.summary : RunSummary{};
    sink.record(c, outcome, session);
    if (o.on_done) o.on_done(c, summary, seconds);
  };
  if (o.session_per_run) {
    for (; k < order.size(); ++k) {
      const Configuration& c = configs[order[k]];
      run_next(*open(c, c.spec.policy.max_batch()));
    }
    return;
  }
  for (const SessionGroup& g : group_by_session(configs)) {
    const std::unique_ptr<ExperimentSession> session = open(configs[g.begin], g.max_batch);
    for (; k < order.size() && order[k] < g.end; ++k) run_next(*session);
  }
}

}  // namespace gb
