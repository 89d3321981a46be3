// The profiling protocol of `greenbatch profile`, whole: from the options as given to the finished
// ServiceProfile (service time and energy of one model per batch size). The rounds, each size's
// share of a round and the targets live here and nowhere else; docs/simulator.md gives the
// protocol's reasons and numbers.
//
// Contract:
// - make_profile_plan checks every option before anything is loaded; UsageError names the option
//   as `greenbatch profile` spells it.
// - Round r of `rounds` measures every size once, in increasing order, before round r + 1 starts;
//   each round takes 1/rounds of the isolated and short-gap targets.
// - A meter that fails while profiling throws RunError; nothing measured is returned then.
//
// Lifetimes: the callbacks are used only during the call they are given to.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "common/time.h"
#include "experiment/session.h"
#include "profile/profile.h"
#include "results/run_spec.h"

namespace gb {

// The options as the command line gives them: text and plain numbers, unchecked.
struct ProfileOptions {
  std::string sizes = "1,2,4,8,16,32,64,128";  // --batch-sizes
  std::string window = "2s";
  std::string gap = "100ms";
  std::string settle = "1s";
  std::string short_gap = "5ms";
  int64_t windows = 3;  // rounds
  int64_t min_batches = 3;
  double idle_seconds = 5;
  int64_t warmup_batches = 4;
};

// The checked protocol.
struct ProfilePlan {
  std::vector<std::size_t> sizes;  // strictly increasing, in 1..kMaxProfiledBatch
  std::size_t rounds = 3;          // >= 1; one energy window per size and round
  Nanos window{0};                 // > 0: an energy window's minimum length
  std::size_t min_batches = 3;     // >= 1: an energy window's minimum batches
  Nanos gap{0};                    // idleness around isolated batches; 0 skips them
  Nanos short_gap{0};              // idleness before short-gap batches; 0 skips them; < gap / 2
  Nanos settle{0};                 // unmeasured batches of a size before each of its windows
  Nanos idle{0};                   // > 0: the idle baseline (dynamic energy needs it)
  std::size_t warmup_batches = 4;
};

ProfilePlan make_profile_plan(const ProfileOptions& options);

// `base` (model, device, meters) with the plan's warm-up and idle baseline: the settings a
// profiling session is opened with.
RunSpec profiling_spec(const RunSpec& base, const ProfilePlan& plan);

// Before each size's turn in a round: the round (0-based) of `rounds`, and the size.
using ProfileStepFn = std::function<void(std::size_t round, std::size_t rounds, std::size_t size)>;

// Runs the plan's rounds on an open session and returns its profile, stamped with the session's
// model, device, meters, idle power (summed over the meters) and the machine.
ServiceProfile profile_session(ExperimentSession& session, const ProfilePlan& plan,
                               const ProfileStepFn& on_step = {});

// Opens the session for `base` with profiling_spec (its status lines go to `log`), then
// profile_session.
ServiceProfile profile_model(const RunSpec& base, const ProfilePlan& plan, const LogFn& log = {},
                             const ProfileStepFn& on_step = {});

}  // namespace gb
