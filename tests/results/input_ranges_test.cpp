// Numbers in experiment files and policy strings that parse but lie outside their stated ranges
// (docs/workloads.md, "Ranges"): each is a UsageError in the one wording
// "WHAT: 'TEXT' is out of range (RANGE)", with the file's line where there is one.
#include <gtest/gtest.h>

#include <string>

#include "batching/policy.h"
#include "common/errors.h"
#include "results/experiment_file.h"

namespace gb {
namespace {

std::string message_of(const std::string& text) {
  try {
    parse_experiment(text, "t.toml");
  } catch (const UsageError& e) {
    return e.what();
  }
  return "(accepted)";
}

// An otherwise good file with `setting` on line 2 and the grid on lines 4 to 7.
std::string file(const std::string& setting, const std::string& rates = "[16]",
                 const std::string& arrival = "[\"paper\"]",
                 const std::string& policies = "[\"greedy\"]") {
  return "[experiment]\n" + setting + "\n[grid]\nmodels = [\"noop\"]\nrates = " + rates +
         "\narrival = " + arrival + "\npolicies = " + policies + "\n";
}

struct Case {
  std::string text;
  std::string expect;  // the whole message
};

TEST(InputRanges, ExperimentFileNumbersNameTheKeyTheLineAndTheRange) {
  const Case cases[] = {
      // nan used to pass the `idle < 0` check and become an undefined duration.
      {file("idle_seconds = nan"),
       "t.toml:2: 'experiment.idle_seconds': 'nan' is out of range (0 to 30 days)"},
      {file("idle_seconds = inf"),
       "t.toml:2: 'experiment.idle_seconds': 'inf' is out of range (0 to 30 days)"},
      {file("idle_seconds = 1e30"),
       "t.toml:2: 'experiment.idle_seconds': '1e+30' is out of range (0 to 30 days)"},
      {file("idle_seconds = 2592001"),
       "t.toml:2: 'experiment.idle_seconds': '2.592e+06' is out of range (0 to 30 days)"},
      {file("idle_seconds = -1"),
       "t.toml:2: 'experiment.idle_seconds': '-1' is out of range (0 to 30 days)"},
      {file("sample_interval = \"1e30s\""),
       "t.toml:2: 'experiment.sample_interval': '1e30s' is out of range (0 to 30 days)"},
      {file("sample_interval = \"0ms\""), "t.toml:2: 'experiment.sample_interval' must be > 0"},
      {file("peak_threshold_w = nan"),
       "t.toml:2: 'experiment.peak_threshold_w': 'nan' is out of range (0 to 100000 W)"},
      {file("peak_threshold_w = -5.0"),
       "t.toml:2: 'experiment.peak_threshold_w': '-5' is out of range (0 to 100000 W)"},
      {file("requests = 1000000000000"),
       "t.toml:2: 'experiment.requests': '1000000000000' is out of range (1 to 100000000)"},
      {file("warmup_batch_size = 100000"),
       "t.toml:2: 'experiment.warmup_batch_size': '100000' is out of range (1 to 65536)"},
      {file("idle_settle_seconds = -1"),
       "t.toml:2: 'experiment.idle_settle_seconds': '-1' is out of range (0 to 30 days)"},
      {file("min_valid_seconds = nan"),
       "t.toml:2: 'experiment.min_valid_seconds': 'nan' is out of range (0 to 30 days)"},
      {file("min_valid_requests = -1"),
       "t.toml:2: 'experiment.min_valid_requests': '-1' is out of range (0 to 100000000)"},
      {file("cooldown = \"1e30s\""),
       "t.toml:2: 'experiment.cooldown': '1e30s' is out of range (0 to 30 days)"},
      {file("name = \"x\"", "[16, inf]"),
       "t.toml:5: 'grid.rates': 'inf' is out of range (0 to 1e+09 requests/s)"},
      {file("name = \"x\"", "[2e9]"),
       "t.toml:5: 'grid.rates': '2e+09' is out of range (0 to 1e+09 requests/s)"},
      {file("name = \"x\"", "[nan]"),
       "t.toml:5: 'grid.rates': 'nan' is out of range (0 to 1e+09 requests/s)"},
      {file("name = \"x\"", "[-1.0]"), "t.toml:5: 'grid.rates' must all be > 0"},
      // 8192 requests (the default) at one a day would run for 22 years.
      {file("name = \"x\"", "[1.157e-5]"),
       "t.toml:5: 'grid.rates': '1.157e-05' is out of range (0.00316011 to 1e+09 requests/s: 8192 "
       "requests must arrive within 30 days)"},
      {file("name = \"x\"", "[16]", "[\"bursty:on=1e30,off=0\"]"),
       "t.toml:6: arrival 'bursty:on=1e30,off=0': on: '1e30' is out of range (0 to 1e+09 "
       "requests/s)"},
      {file("name = \"x\"", "[16]", "[\"paper\"]", "[\"fixed:4,timeout=1e30s\"]"),
       "t.toml:7: policy 'fixed:4,timeout=1e30s': timeout: '1e30s' is out of range (0 to 30 "
       "days)"},
  };
  for (const Case& c : cases) EXPECT_EQ(message_of(c.text), c.expect) << c.text;
}

TEST(InputRanges, ExperimentFileAcceptsTheEdgesOfTheRanges) {
  const ExperimentFile f =
      parse_experiment(file("idle_seconds = 2592000\nrequests = 2\nsample_interval = \"43200m\"",
                            "[1e9, 0.0000003859]"),
                       "t.toml");
  EXPECT_EQ(f.base.idle_duration, std::chrono::hours(24 * 30));
  EXPECT_EQ(f.base.sample_interval, std::chrono::hours(24 * 30));
  // The settling, validity and cooldown keys: defaults, then values and their edges.
  EXPECT_EQ(f.base.idle_settle, std::chrono::seconds(5));
  EXPECT_EQ(f.base.min_valid_requests, 64u);
  EXPECT_EQ(f.base.min_valid_duration, std::nullopt);  // from the meters' counters
  EXPECT_EQ(f.cooldown, Nanos(0));
  const ExperimentFile g = parse_experiment(
      file("idle_settle_seconds = 0\nmin_valid_requests = 0\nmin_valid_seconds = 2.5\n"
           "cooldown = \"5s\""),
      "t.toml");
  EXPECT_EQ(g.base.idle_settle, Nanos(0));
  EXPECT_EQ(g.base.min_valid_requests, 0u);
  EXPECT_EQ(g.base.min_valid_duration, std::optional<Nanos>(std::chrono::milliseconds(2500)));
  EXPECT_EQ(g.cooldown, std::chrono::seconds(5));
  // An offline grid ignores the rates, so they need not fit the requests into 30 days.
  EXPECT_NO_THROW(parse_experiment(file("name = \"x\"", "[1e-9]", "[\"offline\"]"), "t.toml"));
}

TEST(InputRanges, PolicyDurationsBeyondThirtyDaysAreOutOfRange) {
  const std::pair<const char*, const char*> cases[] = {
      {"fixed:4,timeout=1e30s", "timeout"},  // used to run as a negative timeout
      {"triton:max=4,delay=1e30s", "delay"},
      {"torchserve:batch=4,delay=1e30s", "delay"},
      {"aimd:slo=1e30s", "slo"},
      {"slo:1e30s", "budget"},
      {"offline:1e30s", "budget"},
      {"fixed:4,timeout=43201m", "timeout"},
  };
  for (const auto& [spec, what] : cases) {
    const std::string value = std::string(spec).substr(std::string(spec).find_last_of(":=") + 1);
    try {
      canonical_policy(spec);
      ADD_FAILURE() << "accepted " << spec;
    } catch (const UsageError& e) {
      EXPECT_EQ(std::string(e.what()), "policy '" + std::string(spec) + "': " + what + ": '" +
                                           value + "' is out of range (0 to 30 days)");
    }
  }
  const std::string longest = canonical_policy("fixed:4,timeout=43200m");  // exactly 30 days
  EXPECT_EQ(canonical_policy(longest), longest);
}

}  // namespace
}  // namespace gb
