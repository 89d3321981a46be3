// RunTimeline: one run's power samples and batches read back from where the run left them, for a
// plot of power over time: a run folder's power.csv and requests.csv (rows of that run_id), or a
// sweep store's power and requests tables (rows of that configuration id). Simulated runs have
// neither.
//
// The files may come from anyone, so every read is bounded: samples are averaged into at most
// kTimelineBins bins per domain as they are read (nothing holds all of them), at most
// kTimelineDomains domains (names cut to kTimelineNameChars), at most kTimelineBatches batches, CSV
// lines of at most kTimelineLineBytes (longer ones are skipped), at most kTimelineFileBytes read
// from a file; `truncated` says that something was left out. Rows that do not parse (a missing
// column, a number that is not one or not finite) are skipped and counted. Columns are found by
// their header names (docs/results.md), so their order does not matter.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace gb {

inline constexpr std::size_t kTimelineBins = 1500;
inline constexpr std::size_t kTimelineDomains = 8;
inline constexpr std::size_t kTimelineNameChars = 64;
inline constexpr std::size_t kTimelineBatches = 200000;
inline constexpr std::size_t kTimelineLineBytes = 4096;
inline constexpr std::uintmax_t kTimelineFileBytes = std::uintmax_t{1} << 30;

struct TimelineSample {
  double t_s = 0;    // mean time of the bin's samples, seconds from the run's time zero
  double watts = 0;  // their mean power
};

struct TimelineDomain {
  std::string domain;                   // the meter's domain, as recorded ("cpu", "gpu0", ...)
  std::vector<TimelineSample> samples;  // in time order
};

struct BatchSpan {
  double start_s = 0, end_s = 0;
  std::size_t requests = 0;
};

struct RunTimeline {
  std::vector<TimelineDomain> domains;
  std::vector<BatchSpan> batches;  // in start order
  std::size_t samples = 0;         // power samples read (before binning)
  std::size_t skipped_rows = 0;    // rows that did not parse
  bool truncated = false;          // a bound above left something out
};

// The rows of `run_id` in `folder`'s power.csv and requests.csv. A missing file gives no rows of
// its kind; a file that cannot be read is a UsageError naming it.
RunTimeline read_folder_timeline(const std::string& folder, const std::string& run_id);

// Internal to results/: fills `out.domains` from binned sums, shared by the folder and the store
// readers. `bins[d]` holds per bin (count, sum of t, sum of watts).
struct TimelineBin {
  std::size_t n = 0;
  double t = 0, watts = 0;
};
void finish_timeline_domain(RunTimeline& out, const std::string& domain,
                            const std::vector<TimelineBin>& bins);

}  // namespace gb
