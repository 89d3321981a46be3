#include "results/summary.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "common/errors.h"
#include "common/parse.h"
#include "common/version.h"
#include "results/levers.h"
#include "workload/arrivals.h"

namespace gb {
namespace {

using nlohmann::ordered_json;

ordered_json optional_number(const std::optional<double>& v) {
  return v ? ordered_json(*v) : ordered_json(nullptr);
}

// See RunSummary::steady_energy_per_image_j.
void steady_state(RunSummary& s, const RunTrace& trace, const std::vector<PowerSample>& samples) {
  const std::size_t n = trace.requests(), edge = n / 10;
  if (n < 20 || samples.empty()) return;
  const Nanos from = trace.scheduled[edge], to = trace.scheduled[n - edge];
  if (to <= from) return;
  double joules = 0;
  EnergyMethods methods;
  for (uint32_t i = 0; i < s.energy.domains.size(); ++i) {
    const DomainEnergy& d = s.energy.domains[i];
    if (domain_kind(d.domain) == DomainKind::kPlatform) continue;
    joules += trapezoid_energy(samples, i, from, to);
    const EnergyMethod m =
        d.method == EnergyMethod::kNvmlEnergy ? EnergyMethod::kNvmlPower : d.method;
    methods.merge({{m}, {}});
  }
  s.steady_energy_per_image_j = joules / static_cast<double>(n - 2 * edge);
  s.steady_energy_method = methods.label("+");
}

}  // namespace

RunSummary summarize(const RunSpec& spec, const RunTrace& trace, const EnergyAccount& energy,
                     const std::vector<PowerSample>& samples) {
  RunSummary s;
  s.spec = spec;
  s.policy = spec.policy.canonical();
  s.batch_size_label = spec.policy.batch_size_label();
  s.requests = trace.requests();
  s.batches = trace.batches.size();
  s.mean_batch_size = s.batches ? static_cast<double>(s.requests) / s.batches : 0;
  s.time_s = to_seconds(trace.end);
  s.throughput_rps = s.time_s > 0 ? s.requests / s.time_s : 0;

  std::vector<double> response, wait, lag, service;
  double service_per_request = 0;
  response.reserve(s.requests);
  wait.reserve(s.requests);
  lag.reserve(s.requests);
  service.reserve(s.batches);
  for (const BatchRecord& b : trace.batches) {
    service.push_back(to_seconds(b.end - b.start));
    service_per_request += service.back() * static_cast<double>(b.size);
    for (std::size_t i = b.first; i < b.first + b.size; ++i) {
      response.push_back(to_seconds(b.end - trace.scheduled[i]));
      wait.push_back(to_seconds(b.start - trace.scheduled[i]));
      lag.push_back(to_seconds(trace.released[i] - trace.scheduled[i]) * 1e6);
    }
  }
  s.response_s = describe_distribution(std::move(response));
  s.queue_wait_s = describe_distribution(std::move(wait));
  s.service_s = describe_distribution(std::move(service));
  s.release_lag_us = describe_distribution(std::move(lag));
  s.mean_service_per_request_s = s.requests ? service_per_request / s.requests : 0;
  s.realtime_issuer = trace.realtime_issuer;
  const double busy_s = s.service_s.mean * static_cast<double>(s.batches);
  if (busy_s > 0) s.capacity_rps = static_cast<double>(s.requests) / busy_s;
  if (s.requests > 1 && trace.scheduled.size() >= s.requests) {
    const double span = to_seconds(trace.scheduled[s.requests - 1] - trace.scheduled[0]);
    if (span > 0) {
      s.offered_rps = static_cast<double>(s.requests - 1) / span;
      s.overloaded = s.capacity_rps && *s.capacity_rps < 0.9 * *s.offered_rps;
    }
  }

  s.energy = energy;
  const DomainKind device_kind = spec.device.is_cuda() ? DomainKind::kGpu : DomainKind::kCpu;
  s.paper_scope = energy.kind_j(device_kind) ? device_kind : DomainKind::kOther;
  if (!energy.domains.empty()) {
    // Peak power is a property of one domain: the first of the paper's scope (meter i is
    // domain i), or meter 0 for a total.
    uint32_t peak_meter = 0;
    for (uint32_t i = 0; i < energy.domains.size(); ++i) {
      if (domain_kind(energy.domains[i].domain) == s.paper_scope) {
        peak_meter = i;
        break;
      }
    }
    s.peak_power_w = mean_above(samples, peak_meter, spec.peak_threshold_w, Nanos(0), trace.end);
    steady_state(s, trace, samples);
    const IntervalStats st = interval_stats(samples, 0);
    s.sample_interval_mean_ms = st.mean_ms;
    s.sample_interval_p99_ms = st.p99_ms;
  }
  return s;
}

void judge_validity(RunSummary& s, std::size_t min_requests, Nanos min_duration) {
  std::vector<std::string> why;
  if (s.requests < min_requests) {
    why.push_back(fmt::format("{} requests < min_valid_requests {}", s.requests, min_requests));
  }
  if (s.time_s < to_seconds(min_duration)) {
    why.push_back(
        fmt::format("{:.3g} s < min_valid_seconds {:.3g} s", s.time_s, to_seconds(min_duration)));
  }
  s.valid_for_energy = why.empty();
  s.invalid_reason.clear();
  for (const std::string& w : why) s.invalid_reason += (s.invalid_reason.empty() ? "" : "; ") + w;
}

ordered_json summary_row(const RunSummary& s) {
  ordered_json r;
  // A load against a server on another machine measures no energy: null, never 0 J.
  const bool measured = !s.energy.domains.empty();
  const auto energy = [&](double v) { return measured ? ordered_json(v) : ordered_json(nullptr); };
  const bool batches_known = !s.load || s.load->server_batches;
  const auto batch_figure = [&](auto v) {
    return batches_known ? ordered_json(v) : ordered_json(nullptr);
  };
  const bool fixed_number = !s.batch_size_label.empty() && s.batch_size_label.size() < 10 &&
                            s.batch_size_label.find_first_not_of("0123456789") == std::string::npos;
  // The paper's columns, verbatim (reference/yarally2023_gtx1080_results.csv has their meaning).
  r[columns::kBatchSize] = fixed_number ? ordered_json(std::stoll(s.batch_size_label))
                                        : ordered_json(s.batch_size_label);
  r[columns::kAveragePower] = energy(s.average_power_w());
  r["Time(s)"] = s.time_s;
  r["Energy(J)"] = energy(s.paper_energy_j());
  r["Average Wait Time(s)"] = s.response_s.mean;
  r["Max Wait Time(s)"] = s.response_s.max;
  r[columns::kAveragePeakPower] = optional_number(s.peak_power_w);
  // Ours.
  r[columns::kModel] = s.spec.model.name;
  r[columns::kDevice] = s.spec.device.text;
  r[columns::kArrival] = s.spec.arrival.name();
  r[columns::kRateHz] =
      s.spec.arrival.needs_rate() ? ordered_json(s.spec.rate_hz) : ordered_json(nullptr);
  r[columns::kPolicy] = s.policy;
  r[columns::kRequests] = s.requests;
  r["batches"] = batch_figure(s.batches);
  r[columns::kMeanBatchSize] = batch_figure(s.mean_batch_size);
  r[columns::kEnergyPerImage] = energy(s.energy_per_image_j());
  r["idle_power_w"] = optional_number(s.energy.idle_power_w());
  r["energy_idle_j"] = optional_number(s.energy.idle_j());
  r["energy_dynamic_j"] = optional_number(s.energy.dynamic_j());
  const auto per_image = [&](const std::optional<double>& j) {
    return j && s.requests ? ordered_json(*j / s.requests) : ordered_json(nullptr);
  };
  r["energy_idle_per_image_j"] = per_image(s.energy.idle_j());
  r[columns::kEnergyDynamicPerImage] = per_image(s.energy.dynamic_j());
  r[columns::kP50Response] = s.response_s.p50;
  r["response_p90_s"] = s.response_s.p90;
  r["response_p95_s"] = s.response_s.p95;
  r[columns::kP99Response] = s.response_s.p99;
  r[columns::kMaxResponse] = s.response_s.max;
  r["queue_wait_mean_s"] = s.queue_wait_s.mean;
  r[columns::kMaxQueueWait] = s.queue_wait_s.max;
  r["service_mean_s"] = s.service_s.mean;
  r["service_max_s"] = s.service_s.max;
  r[columns::kThroughput] = s.throughput_rps;
  r["release_lag_p99_us"] = s.release_lag_us.p99;
  r["realtime_issuer"] = s.realtime_issuer;
  r[columns::kEnergyMethod] = s.energy.method();
  r["sample_interval_achieved_ms"] = s.sample_interval_mean_ms;
  r[columns::kSeed] = s.spec.seed;
  r[columns::kSimulated] = s.simulated;
  r[columns::kComplete] = s.complete;
  r[columns::kVersion] = kVersion;
  r["run_id"] = s.run_id;
  r["started_utc"] = s.started_utc;
  // Added in greenbatch-results/2 files after 0.9 (new columns go last: docs/results.md).
  r[columns::kPaperEnergyScope] =
      s.paper_scope == DomainKind::kOther ? "total" : domain_kind_label(s.paper_scope);
  for (DomainKind k :
       {DomainKind::kGpu, DomainKind::kCpu, DomainKind::kDram, DomainKind::kPlatform}) {
    r[std::string(domain_kind_label(k)) + "_energy_j"] = optional_number(s.energy.kind_j(k));
  }
  r[columns::kTotalEnergy] = energy(s.energy.gross_j());
  r["service_per_request_mean_s"] = s.mean_service_per_request_s;
  r["offered_rps"] = optional_number(s.offered_rps);
  r["capacity_rps"] = optional_number(s.capacity_rps);
  r[columns::kOverloaded] = s.overloaded;
  // The count torch ran with; for a served session (target = "serve"), the count its server was
  // started with.
  const int threads = s.threads > 0 ? s.threads : s.load ? s.spec.threads : 0;
  r[columns::kThreads] = threads > 0 ? ordered_json(threads) : ordered_json(nullptr);
  r["steady_energy_per_image_j"] = optional_number(s.steady_energy_per_image_j);
  r["steady_energy_method"] =
      s.steady_energy_per_image_j ? ordered_json(s.steady_energy_method) : ordered_json(nullptr);
  r[columns::kIdleSpread] = optional_number(s.idle_spread);
  r[columns::kValidForEnergy] = s.valid_for_energy;
  r[columns::kGpuTemperature] = optional_number(s.gpu_temperature_c);
  // The paper's Batch Size mixes numbers and policies; these two group cleanly in a dataframe.
  r["policy_kind"] = s.spec.policy.kind_name();
  r["batch_size"] = s.spec.policy.kind == PolicySpec::Kind::kFixed
                        ? ordered_json(s.spec.policy.size)
                        : ordered_json(nullptr);
  // The levers without a column above (threads has its resolved count), then their cost.
  for (const Lever& l : levers()) {
    if (!r.contains(l.name)) r[std::string(l.name)] = l.get(s.spec);
  }
  const NumericCost& cost = s.numeric_cost;
  const bool compared = cost.images > 0;
  r[columns::kLogitMaxDiff] = compared ? ordered_json(cost.max_abs_diff) : ordered_json(nullptr);
  r[columns::kLogitMeanDiff] = compared ? ordered_json(cost.mean_abs_diff) : ordered_json(nullptr);
  r[columns::kTop1Agreement] = optional_number(cost.top1_agreement);
  r[columns::kGpuEnforcedLimit] = optional_number(s.gpu_enforced_limit_w);
  r[columns::kGpuSettle] = optional_number(s.gpu_settle_s);
  return r;
}

namespace {
constexpr char kResultsFormat2[] = "greenbatch-results/2";
}  // namespace

void check_results_format(const ordered_json& doc, const std::string& origin) {
  const auto it = doc.find(columns::kFormat);
  if (it == doc.end() || *it == kResultsFormat || *it == kResultsFormat2) return;
  throw UsageError("'" + origin + "' holds results of format " + it->dump() +
                   "; this greenbatch (" + kVersion + ") reads greenbatch-results/1, /2 and " +
                   kResultsFormat + ": use the greenbatch that wrote them, or a newer one");
}

void upgrade_results(ordered_json& doc, const std::string& origin) {
  check_results_format(doc, origin);
  if (!doc.is_object()) return;  // the readers say what a document that is no object lacks
  const auto it = doc.find(columns::kFormat);
  if (it != doc.end() && *it == kResultsFormat) return;
  // Rebuilt in order: each renamed column keeps its place, which a CSV's header follows.
  ordered_json upgraded = {{columns::kFormat, kResultsFormat}};
  for (auto& [key, value] : doc.items()) {
    if (key == columns::kFormat) continue;
    std::string name = key;
    for (const auto& [old_name, new_name] : kRenamedColumns) {
      if (key == old_name && !doc.contains(new_name)) name = new_name;
    }
    upgraded[name] = std::move(value);
  }
  doc = std::move(upgraded);
}

ordered_json summary_document(const RunSummary& s) {
  // The format first, so that a reader sees it before anything it might misread.
  ordered_json doc = {{columns::kFormat, kResultsFormat}};
  doc.update(summary_row(s));
  const RunSpec& p = s.spec;
  doc["settings"] = {
      {"model", p.model.name},
      {"weights", p.weights},
      {"device", p.device.text},
      {"device_name", s.device_name},
      {"arrival", p.arrival.name()},
      {"rate_hz", p.rate_hz},
      {"policy", s.policy},
      {"requests", p.requests},
      {"warmup_batches", p.warmup_batches},
      {"warmup_batch_size", p.warmup_batch_size},
      {"seed", p.seed},
      {"images", s.images_source},
      {"meter", p.meter},
      {"sample_interval", format_duration(p.sample_interval)},
      {"idle_seconds", to_seconds(p.idle_duration)},
      {"idle_settle_seconds", to_seconds(p.idle_settle)},
      {"min_valid_requests", p.min_valid_requests},
      {"min_valid_seconds", p.min_valid_duration ? ordered_json(to_seconds(*p.min_valid_duration))
                                                 : ordered_json(nullptr)},
      {"peak_threshold_w", p.peak_threshold_w},
      {"gpu_index", p.gpu_index >= 0 ? ordered_json(p.gpu_index) : ordered_json(nullptr)},
      {"threads_requested", p.threads > 0 ? ordered_json(p.threads) : ordered_json("default")},
      {"engine", engine_label(p.engine)},
      {"precision", precision_label(p.precision)},
      {"power_limit", power_limit_text(p.gpu.power_limit_mw)},
      {"gpu_clocks", gpu_clocks_text(p.gpu.clocks_mhz)},
      {"powercap_root", p.powercap_root}};
  ordered_json domains = ordered_json::array();
  for (const DomainEnergy& d : s.energy.domains) {
    domains.push_back({{"domain", d.domain},
                       {"kind", domain_kind_label(domain_kind(d.domain))},
                       {"method", method_label(d.method)},
                       {"measures", d.detail},
                       {"energy_j", d.joules},
                       {"idle_power_w", optional_number(d.idle_power_w)}});
  }
  doc["energy_domains"] = domains;
  doc["energy_warnings"] = s.energy.warnings;
  if (!s.complete) doc["incomplete_reason"] = s.incomplete_reason;
  doc["idle_baseline"] = {
      {"settle_s", optional_number(s.idle_settle_s)},
      {"settled", s.idle_settle_s ? ordered_json(s.idle_settled) : ordered_json(nullptr)},
      {"spread", optional_number(s.idle_spread)}};
  if (s.gpu_settle_s) {
    doc["gpu_settling"] = {{"settle_s", *s.gpu_settle_s}, {"settled", s.gpu_settled}};
  }
  if (!s.valid_for_energy) doc["invalid_reason"] = s.invalid_reason;
  const auto dist = [](const Distribution& d) {
    return ordered_json{{"mean", d.mean}, {"p50", d.p50},   {"p90", d.p90}, {"p95", d.p95},
                        {"p99", d.p99},   {"p999", d.p999}, {"max", d.max}};
  };
  doc["response_s"] = dist(s.response_s);
  doc["queue_wait_s"] = dist(s.queue_wait_s);
  doc["service_s"] = dist(s.service_s);
  doc["release_lag_us"] = dist(s.release_lag_us);
  doc["sample_interval_p99_ms"] = s.sample_interval_p99_ms;
  if (s.load) {
    const LoadFigures& l = *s.load;
    ordered_json statuses = ordered_json::object();
    for (const auto& [code, n] : l.statuses) statuses[std::to_string(code)] = n;
    doc["load"] = {{"url", l.url},
                   {"server", l.server},
                   {"sent_as", l.sent_as},
                   {"sent", l.sent},
                   {"answered", l.answered},
                   {"failed", l.failed()},
                   {"http_errors", l.http_errors},
                   {"timed_out", l.timed_out},
                   {"connection_errors", l.connection_errors},
                   {"bad_answers", l.bad_answers},
                   {"statuses", statuses},
                   {"errors", l.errors},
                   {"server_batches", l.server_batches},
                   {"connections", l.connections},
                   {"energy_scope", l.energy_scope}};
  }
  doc["numeric_cost"] = {{"images", s.numeric_cost.images},
                         {"reference", "fp32 eager"},
                         {"reference_max_abs_logit", s.numeric_cost.reference_max}};
  return doc;
}

}  // namespace gb
