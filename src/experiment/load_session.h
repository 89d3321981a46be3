// Sessions whose requests are served by an Open Inference Protocol server over HTTP
// (`greenbatch load`, and sweeps with a `target`): the same ExperimentSession, meters, idle
// baseline, summaries and sinks as an in-process run, with an open-loop HTTP driver in place of
// the in-process runner.
//
// Order of a load session: read the model's metadata (what it takes; greenbatch serve also says
// its policy) -> build every request body from the image set -> open connections -> open this
// machine's meters when the server runs on it (the CPU estimate then models the server's process,
// found by its listening port) -> idle baseline with the server idle -> runs.
//
// How a request's fate maps onto a run's figures (docs/serving.md, "What load reports"): response
// time from its scheduled time to its answer; the send lag is the release lag; `requests`, the
// response distribution and energy per image count the answered requests only, and failures are
// counted by kind (RunSummary::load). Queue wait and service come from the server's own account
// where it gives one (greenbatch serve does), else the whole answer time counts as service.
//
// Target "serve" (sweeps): each configuration starts its own `greenbatch serve` with its policy
// on a free loopback port, and stops it (SIGTERM, then SIGKILL after a bound) when done.
#pragma once

#include <memory>
#include <string>

#include "experiment/campaign.h"
#include "experiment/session.h"
#include "serving/open_loop.h"

namespace gb {

struct LoadOptions {
  WireFormat format = WireFormat::kBinary;
  OpenLoopOptions open_loop;
  std::size_t warm_connections = 8;
  // The greenbatch binary that target "serve" starts ("" = this process's own executable).
  std::string serve_binary;
  std::string serve_log;  // where a started server's output goes ("" = discarded)
};

// The session for `base`, whose target is a URL or "serve" (then `config`'s policy is served).
// UsageError when the server cannot be reached or takes nothing load can send.
std::unique_ptr<ExperimentSession> open_load_session(const Configuration& config,
                                                     const LoadOptions& options, const LogFn& log);

// The policy a server at the http:// `target` says it batches `model` with (greenbatch serve puts
// it in its model metadata), "" when it says none; UsageError when it cannot be reached or does
// not serve `model`.
std::string served_policy(const std::string& target, const std::string& model);

// Sets `campaign` to open every session through open_load_session(); a "serve" `target` gets one
// session per configuration (its own server, with its policy). An empty `target` (in process)
// leaves `campaign` as it is.
void use_load_sessions(CampaignOptions& campaign, const LoadOptions& options,
                       const std::string& target);

}  // namespace gb
