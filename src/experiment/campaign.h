// Campaign: the one loop every measuring command runs. It takes configurations in run order,
// serves each consecutive group of one model from one ExperimentSession (loaded, warmed up and
// idle-measured once), checks that every run is complete, and hands each result to a ResultSink,
// which owns how results are kept (a run folder, a sweep store, a validation table).
//
// Contract:
// - Runs happen in the order given, except with `rounds`: within a model group, every
//   configuration's r-th repetition runs before any (r+1)-th, so a machine whose speed drifts
//   spreads the drift over the group's configurations alike.
// - A complete run goes to ResultSink::record. An incomplete one (a meter failed mid-run) goes to
//   ResultSink::keep_incomplete, which keeps what was measured, and the campaign then stops with a
//   RunError naming the configuration, the reason and where the partial run is: a meter that
//   failed once is not trusted for the next configuration either.
// - With a cooldown, every run but the first waits that long first, session made (loaded, warmed
//   up, idle measured) and just before the run, so that each starts from a machine that had as
//   long to cool as the others (docs/energy.md, "Cooldown").
// - Nothing is written by the campaign itself; everything written goes through the sink.
//
// Lifetime: the sink and the callbacks are used only during run_campaign().
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "experiment/session.h"
#include "results/experiment_file.h"

namespace gb {

class ResultSink {
 public:
  virtual ~ResultSink() = default;
  // A complete run of `config`, served by `session`. May move from `outcome`.
  virtual void record(const Configuration& config, RunOutcome& outcome,
                      const ExperimentSession& session) = 0;
  // Keeps an incomplete run (summary.complete false) and returns where it went, for the message.
  virtual std::string keep_incomplete(const Configuration& config, RunOutcome& outcome,
                                      const ExperimentSession& session) = 0;
};

struct CampaignOptions {
  bool rounds = false;  // see the contract
  Nanos cooldown{0};    // see the contract
  // How the cooldown waits; unset: std::this_thread::sleep_for (tests pass a fake).
  std::function<void(Nanos)> sleep;
  // Status lines (loading a model, warming up, the idle baseline).
  LogFn log;
  // Before each run: its position (1-based) among `total` runs, and the configuration.
  std::function<void(std::size_t k, std::size_t total, const Configuration& config)> on_start;
  // During each run, a few times a second: requests done of the run's total, seconds elapsed.
  std::function<void(const Configuration& config, std::size_t done, std::size_t total,
                     double elapsed_s)>
      on_progress;
  // After each recorded run, with its summary (valid during the call) and wall-clock duration.
  std::function<void(const Configuration& config, const RunSummary& summary, double seconds)>
      on_done;
  // Makes the session that serves `first` and the configurations grouped with it (their policies
  // form batches of at most `max_batch`); unset: an in-process ExperimentSession, loading the
  // model (experiment/load_session.h sets one for servers over HTTP).
  std::function<std::unique_ptr<ExperimentSession>(const Configuration& first,
                                                   std::size_t max_batch, const LogFn& log)>
      open_session;
  // Every configuration in a session of its own (a target served by one server per policy).
  bool session_per_run = false;
};

void run_campaign(const std::vector<Configuration>& configs, ResultSink& sink,
                  const CampaignOptions& options = {});

// The order run_campaign serves `configs` in (identity without `rounds`): exposed so that callers
// and tests can see the plan before anything runs.
std::vector<std::size_t> campaign_order(const std::vector<Configuration>& configs, bool rounds);

}  // namespace gb
