#include "experiment/sinks.h"

#include <fmt/format.h>

#include "common/files.h"
#include "results/aggregate.h"
#include "sim/simulator.h"
#include "workload/arrivals.h"

namespace gb {

std::string FolderSink::append(RunOutcome& outcome, const ExperimentSession& session) {
  outcome.summary.run_id = folder_.claim_run_id();
  folder_.append(outcome.summary, outcome.trace, outcome.samples, session.domains(), write_traces_);
  return outcome.summary.run_id;
}

void FolderSink::record(const Configuration&, RunOutcome& outcome,
                        const ExperimentSession& session) {
  append(outcome, session);
  summaries_.push_back(std::move(outcome.summary));
}

std::string FolderSink::keep_incomplete(const Configuration&, RunOutcome& outcome,
                                        const ExperimentSession& session) {
  const std::string id = append(outcome, session);
  return folder_.path() + " as " + id;
}

// The store keys runs by config.id; run_id stays "config-INDEX" because people read it (in the
// report, in incomplete/) and the index is the grid position they recognise (docs/results.md).
void StoreSink::record(const Configuration& config, RunOutcome& outcome,
                       const ExperimentSession& session) {
  outcome.summary.run_id = fmt::format("config-{}", config.index);
  store_.save(config, outcome.summary, outcome.trace, outcome.samples, session.domains());
}

std::string StoreSink::keep_incomplete(const Configuration& config, RunOutcome& outcome,
                                       const ExperimentSession& session) {
  outcome.summary.run_id = fmt::format("config-{}", config.index);
  ResultFolder(incomplete_dir_)
      .append(outcome.summary, outcome.trace, outcome.samples, session.domains());
  return incomplete_dir_ + ", and rerunning the sweep repeats it";
}

ValidationSink::ValidationSink(const std::map<std::string, ServiceProfile>& profiles,
                               std::size_t configurations, Settings settings)
    : profiles_(profiles),
      settings_(std::move(settings)),
      pairs_((configurations + settings_.repetitions - 1) / settings_.repetitions) {}

std::string ValidationSink::energy_methods() const {
  const std::string label = methods_.label(", ");
  return (label.empty() ? std::string(kNoMethodLabel) : label) + estimate_note(methods_);
}

void ValidationSink::record(const Configuration& config, RunOutcome& outcome,
                            const ExperimentSession&) {
  const RunSpec& spec = config.spec;
  const ServiceProfile& profile = profiles_.at(spec.profile);
  const RunSummary& real = outcome.summary;
  methods_.merge(parse_energy_methods(real.energy.method()));
  ValidationPair p;
  p.speed = observed_speed(outcome.trace, profile);
  p.real = {real.energy_per_image_j(), real.response_s.p99, real.response_s.max};
  p.simulated = predict(spec, profile, settings_.draws, settings_.mean_service,
                        settings_.adjust_speed ? p.speed : 1);
  pairs_.at(config.index / settings_.repetitions).push_back(p);
  if (settings_.csv_path.empty()) return;
  // Rewritten whole after every run, so an interrupted validation keeps what it measured.
  rows_.push_back({{"model", spec.model.name},
                   {"arrival", spec.arrival.name()},
                   {"rate_hz", spec.arrival.needs_rate() ? nlohmann::ordered_json(spec.rate_hz)
                                                         : nlohmann::ordered_json(nullptr)},
                   {"policy", spec.policy.canonical()},
                   {"repetition", config.repetition},
                   {"seed", spec.seed},
                   {"speed", p.speed},
                   {"real_energy_per_image_j", p.real.energy_per_image_j},
                   {"sim_energy_per_image_j", p.simulated.energy_per_image_j},
                   {"real_p99_s", p.real.p99_s},
                   {"sim_p99_s", p.simulated.p99_s},
                   {"real_max_s", p.real.max_s},
                   {"sim_max_s", p.simulated.max_s}});
  write_csv(settings_.csv_path, rows_);
}

std::string ValidationSink::keep_incomplete(const Configuration&, RunOutcome&,
                                            const ExperimentSession&) {
  return settings_.csv_path.empty() ? "no file (validate keeps complete runs only)"
                                    : settings_.csv_path + " (the runs before it)";
}

}  // namespace gb
