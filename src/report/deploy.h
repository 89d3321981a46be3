// deploy: what a recommended batching policy becomes in the servers people deploy — Triton's
// dynamic batcher, TorchServe's batch aggregation, and greenbatch serve — each server's setting
// written as the greenbatch policy that follows that server's rule (triton:..., torchserve:...,
// or the policy serve runs), so that it can be simulated and compared like any other policy.
// Pure: no files and no simulation (report/export_configs.h does both).
//
// A translation is exact when the server's rule makes the same decisions as the recommended
// policy whenever the model is free (docs/policies.md: Triton also forms batches while the model
// is busy, which no greenbatch policy models). Otherwise it is the closest setting: the server's
// counterpart of the policy's own settings where the policy has one (fixed:N gets a delay of at
// least the measured run's longest queue wait, which forms the same batches on that workload and
// bounds the wait under lighter traffic), else the best of candidates() in simulation (slo, aimd,
// offline), with a fallback when there is no profile to simulate with. The rules and why:
// docs/report.md, "Deployment configs".
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "batching/policy_spec.h"

namespace gb {

enum class Server { kTriton, kTorchServe, kServe };
inline constexpr Server kServers[] = {Server::kTriton, Server::kTorchServe, Server::kServe};
// "Triton", "TorchServe", "greenbatch serve".
const char* server_label(Server s);

// What a translation may use besides the policy: the report's budget and the recommended run's
// longest queue wait (none when the results do not hold it).
struct MeasuredRun {
  double slo_s = 1;
  std::optional<double> max_queue_wait_s;
};

struct Equivalent {
  Server server = Server::kTriton;
  PolicySpec policy;  // the server's setting, as the greenbatch policy that follows its rule
  bool exact = false;
  // No counterpart with the same settings: the closest is the best of candidates() in
  // simulation; `policy` is what to use when nothing can be simulated.
  bool search = false;
  std::string why;       // one sentence: what still differs, or how this setting was chosen
  std::string fallback;  // search only: how `policy` was chosen, for when there is no profile
};

Equivalent translate(Server server, const PolicySpec& recommended, const MeasuredRun& run);

// The settings of `server`'s rule a search tries: max (batch) 1, 2, 4, ... up to max_batch, each
// with delay 0 (TorchServe: 1 ms, since its 0 means batches of at most two), T/8, T/4, T/2 and
// 3T/4 of the budget T (whole microseconds for Triton, whole milliseconds for TorchServe), each
// setting once. Empty for kServe, which runs every online policy as it is.
std::vector<PolicySpec> candidates(Server server, std::size_t max_batch, double slo_s);

// The server's figures for a triton:/torchserve: spec: Triton's max_queue_delay_microseconds and
// TorchServe's max_batch_delay in ms (the translations only produce whole units), and Triton's
// preferred sizes (the spec's, or {max} as Triton's normalisation would add).
// REQUIRES: spec.kind is kTriton (the first and last) or kTorchServe (the second).
long long triton_delay_us(const PolicySpec& spec);
long long torchserve_delay_ms(const PolicySpec& spec);
std::vector<std::size_t> triton_preferred(const PolicySpec& spec);

}  // namespace gb
