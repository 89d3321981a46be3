// The ResultSinks of the measuring commands: a run folder (greenbatch run), a sweep store
// (greenbatch sweep) and a validation table (greenbatch validate). Each owns the serialisation of
// what it keeps; the campaign only hands over.
//
// Lifetime: a sink keeps references to the folder, store or profiles it uses, which must outlive
// it.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "experiment/campaign.h"
#include "profile/profile.h"
#include "results/result_folder.h"
#include "results/result_store.h"
#include "sim/validation.h"

namespace gb {

// Appends each run to a ResultFolder as run-N; an incomplete run is appended too, marked
// complete=false. Keeps the complete summaries for the command's table.
class FolderSink final : public ResultSink {
 public:
  FolderSink(const ResultFolder& folder, bool write_traces)
      : folder_(folder), write_traces_(write_traces) {}
  void record(const Configuration& config, RunOutcome& outcome,
              const ExperimentSession& session) override;
  std::string keep_incomplete(const Configuration& config, RunOutcome& outcome,
                              const ExperimentSession& session) override;
  const std::vector<RunSummary>& summaries() const { return summaries_; }

 private:
  std::string append(RunOutcome& outcome, const ExperimentSession& session);
  const ResultFolder& folder_;
  bool write_traces_;
  std::vector<RunSummary> summaries_;
};

// Saves each run into a sweep's ResultStore as config-INDEX (durably: a saved configuration
// survives a crash). An incomplete run is not stored as done, so a resumed sweep repeats it; what
// was measured goes to the folder `incomplete_dir` instead.
class StoreSink final : public ResultSink {
 public:
  StoreSink(ResultStore& store, std::string incomplete_dir)
      : store_(store), incomplete_dir_(std::move(incomplete_dir)) {}
  void record(const Configuration& config, RunOutcome& outcome,
              const ExperimentSession& session) override;
  std::string keep_incomplete(const Configuration& config, RunOutcome& outcome,
                              const ExperimentSession& session) override;

 private:
  ResultStore& store_;
  std::string incomplete_dir_;
};

// Pairs each real run with the simulator's prediction for it (same configuration and seed, the
// model's profile), grouped by configuration: configuration index / repetitions names the group,
// so the configurations must come from expand() with repetitions consecutive. With a `csv_path`,
// every run and its prediction is also written there, the file rewritten whole after each run so
// an interrupted validate keeps every finished row. An incomplete run is never scored.
class ValidationSink final : public ResultSink {
 public:
  struct Settings {
    std::size_t repetitions = 1;
    std::size_t draws = 20;
    bool mean_service = false;
    bool adjust_speed = false;  // simulate at the speed each real run showed
    std::string csv_path;       // "" = none
  };
  // `profiles` by path, as attach_profiles returns them.
  ValidationSink(const std::map<std::string, ServiceProfile>& profiles, std::size_t configurations,
                 Settings settings);
  void record(const Configuration& config, RunOutcome& outcome,
              const ExperimentSession& session) override;
  std::string keep_incomplete(const Configuration& config, RunOutcome& outcome,
                              const ExperimentSession& session) override;
  // By configuration (index / repetitions): one pair per real run, in the order run.
  const std::vector<std::vector<ValidationPair>>& pairs() const { return pairs_; }
  // The methods of the real runs' energy, each once ("rapl", "estimate, rapl"), with a note when
  // any is not a measurement.
  std::string energy_methods() const;

 private:
  const std::map<std::string, ServiceProfile>& profiles_;
  Settings settings_;
  std::vector<std::vector<ValidationPair>> pairs_;
  std::vector<nlohmann::ordered_json> rows_;  // of the CSV
  EnergyMethods methods_;
};

}  // namespace gb
