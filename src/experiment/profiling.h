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
  bool quick = false;  // fewer isolated and short-gap batches (kQuick*), for a first look
};

// What --quick changes beyond the targets below: the options it sets unless they are given.
inline constexpr int64_t kQuickWindows = 2;
inline constexpr const char* kQuickWindow = "1s";
inline constexpr const char* kQuickSettle = "500ms";

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
  // Isolated and short-gap batches per size over all rounds (a p99 needs 1-in-100 events; --quick
  // takes fewer and says so).
  std::size_t isolated_total = 100;
  std::size_t short_gap_total = 300;
  // ... unless they take longer than this many windows' time in all (slow batches).
  std::size_t paced_limit_windows = 8;
};

ProfilePlan make_profile_plan(const ProfileOptions& options);

// `base` (model, device, meters) with the plan's warm-up and idle baseline: the settings a
// profiling session is opened with.
RunSpec profiling_spec(const RunSpec& base, const ProfilePlan& plan);

// Seconds one size's turn in one round takes when a batch of that size takes `service_s`: the
// protocol's own stopping rules applied to a constant service time (loading, warm-up and the idle
// baseline are not part of it).
double estimate_turn_seconds(const ProfilePlan& plan, double service_s);

// Where a profile stands before each size's turn: the round (0-based) of `rounds`, the size, the
// turn (0-based) of `turns` (rounds x sizes), seconds since the first turn began, and the seconds
// left: estimate_turn_seconds of each turn still to run, from one probe batch per size, scaled by
// how the turns run so far compared with their estimate. The call before turn 0 carries the
// whole estimate.
struct ProfileStep {
  std::size_t round = 0, rounds = 0, size = 0, turn = 0, turns = 0;
  double elapsed_s = 0, left_s = 0;
};
using ProfileStepFn = std::function<void(const ProfileStep&)>;

// Runs the plan's rounds on an open session and returns its profile, stamped with the session's
// model, device, meters, idle power (summed over the meters) and the machine. Under `gpu` (a power
// limit, locked clocks: applied first, settled, its own idle baseline, restored at the end) when
// given; the profile records it.
ServiceProfile profile_session(ExperimentSession& session, const ProfilePlan& plan,
                               const ProfileStepFn& on_step = {}, const GpuSetting& gpu = {});

// Opens the session for `base` with profiling_spec (its status lines go to `log`), then
// profile_session under base.gpu.
ServiceProfile profile_model(const RunSpec& base, const ProfilePlan& plan, const LogFn& log = {},
                             const ProfileStepFn& on_step = {});

}  // namespace gb
