// The campaign's cooldown: between runs, in every session group, never before the first run.
#include "experiment/campaign.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/parse.h"

namespace gb {
namespace {

using std::chrono::milliseconds;

// Keeps the order of events: "run N" for each recorded configuration.
class EventSink final : public ResultSink {
 public:
  explicit EventSink(std::vector<std::string>& events) : events_(events) {}
  void record(const Configuration& config, RunOutcome&, const ExperimentSession&) override {
    events_.push_back("run " + std::to_string(config.index));
  }
  std::string keep_incomplete(const Configuration&, RunOutcome&,
                              const ExperimentSession&) override {
    return "nowhere";
  }

 private:
  std::vector<std::string>& events_;
};

// Three no-op runs of a few requests each, in two sessions (their warm-ups differ).
std::vector<Configuration> three_runs() {
  std::vector<Configuration> configs;
  for (std::size_t i = 0; i < 3; ++i) {
    Configuration c;
    c.index = i;
    c.spec.model = classify_model("noop");
    c.spec.meter = "estimate";
    c.spec.set_arrival("offline", 0);
    c.spec.policy = PolicySpec::parse("greedy");
    c.spec.requests = 8;
    c.spec.idle_duration = Nanos(0);
    c.spec.warmup_batches = i < 2 ? 8 : 9;
    configs.push_back(c);
  }
  return configs;
}

TEST(Campaign, CoolsDownBetweenRunsButNotBeforeTheFirst) {
  const std::vector<Configuration> configs = three_runs();
  ASSERT_EQ(group_by_session(configs).size(), 2u);
  std::vector<std::string> events;
  EventSink sink(events);
  CampaignOptions o;
  o.cooldown = std::chrono::seconds(5);
  o.sleep = [&](Nanos d) { events.push_back("cool " + format_duration(d)); };
  run_campaign(configs, sink, o);
  EXPECT_EQ(events, (std::vector<std::string>{"run 0", "cool 5s", "run 1", "cool 5s", "run 2"}));
}

TEST(Campaign, WithoutACooldownNothingWaits) {
  std::vector<std::string> events;
  EventSink sink(events);
  CampaignOptions o;
  o.sleep = [&](Nanos d) { events.push_back("cool " + format_duration(d)); };
  run_campaign(three_runs(), sink, o);
  EXPECT_EQ(events, (std::vector<std::string>{"run 0", "run 1", "run 2"}));
}

TEST(Campaign, TheCooldownReallyWaitsByDefault) {
  std::vector<std::string> events;
  EventSink sink(events);
  CampaignOptions o;
  o.cooldown = milliseconds(150);
  const auto start = SteadyClock::now();
  run_campaign(three_runs(), sink, o);
  // Two pauses of 150 ms at least; only a lower bound, which no slow machine can break.
  EXPECT_GE(SteadyClock::now() - start, 2 * o.cooldown);
  EXPECT_EQ(events.size(), 3u);
}

}  // namespace
}  // namespace gb
