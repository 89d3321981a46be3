// RunSummary: the figures of one run, derived after the run from its trace and energy account
// (never on the hot path). summary_row() is the single source of the column names and order shared
// by summary.csv, summary.json and the sweep store: the paper's seven columns verbatim first, then
// ours. The names other code reads back are the constants of `columns` below, which summary_row()
// itself uses; readers spell a column only through them.
//
// Formats (docs/results.md): a summary.json document says "format": kResultsFormat. Version 1,
// the documents before the field existed, has the same keys and is read the same way; summary.csv
// keeps its columns (a new one would go last, and a folder with the old header refuses appends).
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/statistics.h"
#include "energy/sampler.h"
#include "results/energy_account.h"
#include "results/run_spec.h"
#include "runtime/run_trace.h"

namespace gb {

inline constexpr char kResultsFormat[] = "greenbatch-results/3";

// Throws UsageError naming `origin` when `doc` (a summary document) is of a format this version
// cannot read: absent (version 1), greenbatch-results/2 and kResultsFormat are read.
void check_results_format(const nlohmann::ordered_json& doc, const std::string& origin);

// The columns greenbatch-results/3 renamed, old name first: each quantity named by what it is
// (response, queue wait, service) before the statistic.
inline constexpr std::pair<const char*, const char*> kRenamedColumns[] = {
    {"p50_response_s", "response_p50_s"},
    {"p90_response_s", "response_p90_s"},
    {"p95_response_s", "response_p95_s"},
    {"p99_response_s", "response_p99_s"},
    {"max_response_s", "response_max_s"},
    {"mean_queue_wait_s", "queue_wait_mean_s"},
    {"max_queue_wait_s", "queue_wait_max_s"},
    {"mean_service_s", "service_mean_s"},
    {"max_service_s", "service_max_s"},
    {"mean_service_per_request_s", "service_per_request_mean_s"}};

// A summary document read from a file, in this version's names: check_results_format, then the
// old names of kRenamedColumns replaced by the new ones in place, in files written before the
// rename (format absent or greenbatch-results/2); the format then reads kResultsFormat.
void upgrade_results(nlohmann::ordered_json& doc, const std::string& origin);

namespace columns {
// The paper's.
inline constexpr char kBatchSize[] = "Batch Size";
inline constexpr char kAveragePower[] = "Average Power(W)";
inline constexpr char kAveragePeakPower[] = "Average Peak Power (W)";
// Ours.
inline constexpr char kModel[] = "model";
inline constexpr char kDevice[] = "device";
inline constexpr char kArrival[] = "arrival";
inline constexpr char kRateHz[] = "rate_hz";  // null for arrivals without a rate
inline constexpr char kPolicy[] = "policy";
inline constexpr char kRequests[] = "requests";
inline constexpr char kMeanBatchSize[] = "mean_batch_size";
inline constexpr char kEnergyPerImage[] = "energy_per_image_j";
inline constexpr char kEnergyDynamicPerImage[] = "energy_dynamic_per_image_j";
inline constexpr char kP50Response[] = "response_p50_s";
inline constexpr char kP99Response[] = "response_p99_s";
inline constexpr char kMaxResponse[] = "response_max_s";
inline constexpr char kMaxQueueWait[] = "queue_wait_max_s";
inline constexpr char kThroughput[] = "throughput_rps";
inline constexpr char kEnergyMethod[] = "energy_method";
inline constexpr char kSeed[] = "seed";
inline constexpr char kSimulated[] = "simulated";
inline constexpr char kComplete[] = "complete";
inline constexpr char kVersion[] = "version";
inline constexpr char kPaperEnergyScope[] = "paper_energy_scope";  // gpu | cpu | total
inline constexpr char kTotalEnergy[] = "total_energy_j";
inline constexpr char kOverloaded[] = "overloaded";
inline constexpr char kThreads[] = "threads";         // null: none (noop) or unknown
inline constexpr char kIdleSpread[] = "idle_spread";  // null without a baseline
inline constexpr char kValidForEnergy[] = "valid_for_energy";
inline constexpr char kGpuTemperature[] = "gpu_temperature_c";  // at the run's start; null: unknown
// The levers' columns are their names (results/levers.h: engine, precision, threads, power_limit,
// gpu_clocks). What the engine and precision cost in accuracy (NumericCost); null where not
// measured (noop, simulated from a profile without them; top-1 agreement without --weights).
inline constexpr char kLogitMaxDiff[] = "logit_max_abs_diff";
inline constexpr char kLogitMeanDiff[] = "logit_mean_abs_diff";
inline constexpr char kTop1Agreement[] = "top1_agreement";
// The power limit NVML enforced at the run's start (null: no NVML meter), and the wait for power
// to settle after the GPU's setting changed (null: no change).
inline constexpr char kGpuEnforcedLimit[] = "gpu_enforced_power_limit_w";
inline constexpr char kGpuSettle[] = "gpu_settle_s";
// summary.json documents only (not a column of summary.csv).
inline constexpr char kFormat[] = "format";
// Added by aggregate_configurations() to its rows (one per configuration).
inline constexpr char kRepetitions[] = "repetitions";
inline constexpr char kGroupId[] = "group_id";
// The 95 % confidence interval of a pooled column, e.g. "energy_per_image_j_ci95".
inline std::string ci95(const char* column) { return std::string(column) + "_ci95"; }
}  // namespace columns

// What a run driven over HTTP (greenbatch load) adds: its target, and the fate of every request
// sent, none dropped (docs/serving.md). Its summary's `requests` are the answered ones, over which
// every response figure and energy per image is taken.
struct LoadFigures {
  std::string url;
  std::string server;   // what the server said it is ("greenbatch serve, policy slo:100ms", ...)
  std::string sent_as;  // how each request carried its image
  std::size_t sent = 0, answered = 0, http_errors = 0, timed_out = 0, connection_errors = 0,
              bad_answers = 0;
  std::vector<std::pair<int, std::size_t>> statuses;  // of the answers other than 200, ascending
  std::vector<std::string> errors;                    // the first few distinct failure messages
  // Whether `batches` and the mean batch size are the server's own account (greenbatch serve
  // reports each answer's batch); otherwise they are unknown, written null.
  bool server_batches = false;
  std::size_t connections = 0;  // the most open at once
  std::string energy_scope;     // what this machine's meters measured, or why there is no energy
  std::size_t failed() const { return http_errors + timed_out + connection_errors + bad_answers; }
};

struct RunSummary {
  RunSpec spec;
  std::string policy;            // canonical policy string
  std::string batch_size_label;  // the paper's "Batch Size": N for fixed:N, else the policy
  std::string device_name;       // e.g. "cpu (8 threads)" or the GPU's name
  int threads = 0;               // torch's intra-op threads; 0: none (noop) or unknown
  std::string images_source;
  std::string run_id;
  std::string started_utc;
  bool simulated = false;
  bool complete = true;  // false: a meter failed mid-run; figures cover only part of it
  std::string incomplete_reason;

  std::size_t requests = 0;
  std::size_t batches = 0;
  double mean_batch_size = 0;
  double time_s = 0;  // time zero to the end of the last batch
  double throughput_rps = 0;
  Distribution response_s;    // scheduled arrival -> end of its batch (the paper's "wait time")
  Distribution queue_wait_s;  // scheduled arrival -> start of its batch
  Distribution service_s;     // per batch: start -> end
  // Per request: its batch's service time, so that mean response = mean queue wait + this mean
  // (service_s.mean weights every batch alike, whatever its size).
  double mean_service_per_request_s = 0;
  Distribution release_lag_us;   // how late the harness released requests (its own accuracy)
  bool realtime_issuer = false;  // whether the issuer got real-time priority

  // The arrival rate the schedule offered ((requests - 1) / its span; none when every request
  // arrives at once), the rate the device served at while busy (requests / the batches' total
  // service time, at the batch sizes the policy formed), and whether the capacity fell under 90 %
  // of the offer: then the queue grew through the run and its response times measure the backlog.
  std::optional<double> offered_rps;
  std::optional<double> capacity_rps;
  bool overloaded = false;

  // How the session's idle baseline was taken (docs/energy.md, "Settling"): the seconds spent
  // waiting for idle power to settle after warm-up, whether it did within the bound, and the
  // relative spread ((max - min) / mean, the worst meter's) of the last settling windows' means,
  // the baseline's own stability. Unset (and idle_settled moot) without a baseline or settling.
  std::optional<double> idle_settle_s;
  std::optional<double> idle_spread;
  bool idle_settled = true;
  // False when the run is too short to trust its energy (RunSettings::min_valid_*); the reason
  // says which bound it missed. Its figures are kept either way.
  bool valid_for_energy = true;
  std::string invalid_reason;
  std::optional<double> gpu_temperature_c;  // at the run's start, where a meter can read it
  NumericCost numeric_cost;  // of the session's engine and precision (images 0: not measured)
  // NVML's enforced power limit at the run's start, where a meter can read it (whoever set it).
  std::optional<double> gpu_enforced_limit_w;
  // Seconds waited for power to settle after the GPU's setting changed before this run (set, or
  // restored after the previous run), and whether it settled within the bound; unset: no change.
  std::optional<double> gpu_settle_s;
  bool gpu_settled = true;

  EnergyAccount energy;  // no domains: no energy was measured (figures written null)
  std::optional<LoadFigures> load;
  // The paper's columns hold the device's energy: the GPU's on a GPU run, the CPU's on a CPU run
  // (energy.kind_j); the whole total where no domain of that kind was measured (a simulated run,
  // or a GPU run measured with RAPL only), which paper_scope says.
  DomainKind paper_scope = DomainKind::kOther;  // kOther: the total
  std::optional<double> peak_power_w;  // the paper's domain's mean of samples above the threshold
  // The steady state, as ML.ENERGY's benchmark and MLPerf report it: the energy of the total's
  // domains between the scheduled arrivals of request n/10 and of request n - n/10, per request
  // arriving in it, integrated from the power samples (an NVML counter's domain is then
  // nvml-power). None for runs under 20 requests or without samples (simulated). The paper's
  // columns and energy_per_image_j hold the whole run, as the paper did.
  std::optional<double> steady_energy_per_image_j;
  std::string steady_energy_method;
  double sample_interval_mean_ms = 0;
  double sample_interval_p99_ms = 0;

  // The paper's Energy(J) and Average Power(W): of paper_scope's domains.
  double paper_energy_j() const {
    return paper_scope == DomainKind::kOther ? energy.gross_j()
                                             : energy.kind_j(paper_scope).value_or(0);
  }
  double average_power_w() const { return time_s > 0 ? paper_energy_j() / time_s : 0; }
  // Ours: the total of the measured domains, per image.
  double energy_per_image_j() const { return requests ? energy.gross_j() / requests : 0; }
};

// The policy is spec.policy: its canonical string is what the run's policy object describes itself
// as (PolicySpec's guarantee).
RunSummary summarize(const RunSpec& spec, const RunTrace& trace, const EnergyAccount& energy,
                     const std::vector<PowerSample>& samples);

// Marks `s` not valid for energy, with the reason, when it served fewer than `min_requests` or its
// window (time_s) is shorter than `min_duration` (0: no minimum): MLPerf's rule that a run must
// be long enough for its power figures to mean anything (docs/energy.md, "Validity").
void judge_validity(RunSummary& s, std::size_t min_requests, Nanos min_duration);

// One flat row: paper columns first, then ours. Numbers stay numbers; missing values are null.
nlohmann::ordered_json summary_row(const RunSummary& s);
// The row plus every setting and the per-domain energy, for summary.json; "format" comes first.
nlohmann::ordered_json summary_document(const RunSummary& s);

// One request of a trace as result files keep it: requests.csv of a run folder and the requests
// table of a store.
struct RequestRow {
  std::size_t id = 0;
  std::size_t batch = 0;  // index of its batch in the trace
  double scheduled_s = 0, released_s = 0, start_s = 0, end_s = 0;
};

// Calls fn(const RequestRow&) for every request of `trace`, batch by batch. A callback rather than
// a vector: a trace may hold 1e8 requests, which the writers stream.
template <typename Fn>
void for_each_request(const RunTrace& trace, Fn fn) {
  for (std::size_t b = 0; b < trace.batches.size(); ++b) {
    const BatchRecord& rec = trace.batches[b];
    for (std::size_t i = rec.first; i < rec.first + rec.size; ++i) {
      fn(RequestRow{i, b, to_seconds(trace.scheduled[i]), to_seconds(trace.released[i]),
                    to_seconds(rec.start), to_seconds(rec.end)});
    }
  }
}

}  // namespace gb
