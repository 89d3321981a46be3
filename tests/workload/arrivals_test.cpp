#include "workload/arrivals.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "common/errors.h"
#include "test_paths.h"
#include "usage_message.h"

namespace gb {
namespace {

using std::chrono::milliseconds;
using testing::message_of;

double mean_gap_s(const std::vector<Nanos>& s) {
  return to_seconds(s.back() - s.front()) / static_cast<double>(s.size() - 1);
}

TEST(Arrivals, PaperGapsAreWithin20PercentOfThePeriod) {
  const auto s = generate_schedule(parse_arrival("paper", 64), 5000, 1);
  ASSERT_EQ(s.size(), 5000u);
  EXPECT_EQ(s[0], Nanos(0));
  for (std::size_t i = 1; i < s.size(); ++i) {
    const double gap = to_seconds(s[i] - s[i - 1]);
    EXPECT_GE(gap, 0.8 / 64 - 1e-9);
    EXPECT_LE(gap, 1.2 / 64 + 1e-9);
  }
  EXPECT_NEAR(mean_gap_s(s), 1.0 / 64, 0.01 / 64);
}

TEST(Arrivals, ConstantIsExact) {
  const auto s = generate_schedule(parse_arrival("constant", 4), 5, 1);
  EXPECT_EQ(s, (std::vector<Nanos>{Nanos(0), Nanos(250000000), Nanos(500000000), Nanos(750000000),
                                   Nanos(1000000000)}));
}

TEST(Arrivals, PoissonHasTheRightMeanAndVariance) {
  const auto s = generate_schedule(parse_arrival("poisson", 100), 20000, 3);
  EXPECT_NEAR(mean_gap_s(s), 0.01, 0.0005);
  double var = 0;
  for (std::size_t i = 1; i < s.size(); ++i) {
    const double d = to_seconds(s[i] - s[i - 1]) - 0.01;
    var += d * d;
  }
  var /= static_cast<double>(s.size() - 1);
  EXPECT_NEAR(std::sqrt(var), 0.01, 0.001);  // exponential: sd == mean
}

TEST(Arrivals, OfflineIsAllAtZeroAndNeedsNoRate) {
  const auto s = generate_schedule(parse_arrival("offline", 0), 10, 1);
  for (Nanos t : s) EXPECT_EQ(t, Nanos(0));
}

TEST(Arrivals, SameSeedSameScheduleOtherSeedOther) {
  const auto spec = parse_arrival("poisson", 50);
  EXPECT_EQ(generate_schedule(spec, 100, 9), generate_schedule(spec, 100, 9));
  EXPECT_NE(generate_schedule(spec, 100, 9), generate_schedule(spec, 100, 10));
}

TEST(Arrivals, BurstyAlternatesBetweenTwoRatesWithTheLongRunMean) {
  const ArrivalSpec spec = parse_arrival("bursty", 20);  // on: 40/s for ~1 s, off: 10/s for ~2 s
  EXPECT_DOUBLE_EQ(spec.on_rate_hz, 40);
  EXPECT_DOUBLE_EQ(spec.off_rate_hz, 10);
  EXPECT_DOUBLE_EQ(spec.rate_hz, 20);
  const auto s = generate_schedule(spec, 40000, 3);
  const double mean_rate = (s.size() - 1) / to_seconds(s.back());
  EXPECT_NEAR(mean_rate, 20, 1.0);
  // Burstiness: counts per 0.5 s window vary far more than Poisson's (variance = mean).
  std::vector<int> counts(static_cast<std::size_t>(to_seconds(s.back()) / 0.5) + 1, 0);
  for (Nanos t : s) ++counts[static_cast<std::size_t>(to_seconds(t) / 0.5)];
  double m = 0, v = 0;
  for (int c : counts) m += c;
  m /= counts.size();
  for (int c : counts) v += (c - m) * (c - m);
  v /= counts.size() - 1;
  EXPECT_GT(v / m, 2.0) << "index of dispersion";
  const ArrivalSpec explicit_spec = parse_arrival("bursty:on=100,off=0,on_time=2s,off_time=2s", 0);
  EXPECT_DOUBLE_EQ(explicit_spec.rate_hz, 50);
  EXPECT_FALSE(arrival_needs_rate("bursty:on=100,off=0"));
  EXPECT_TRUE(arrival_needs_rate("bursty"));
  EXPECT_THROW(parse_arrival("bursty:on=100", 0), UsageError);
  EXPECT_THROW(parse_arrival("bursty:loud=1,off=2", 0), UsageError);
  EXPECT_THROW(parse_arrival("bursty", 0), UsageError);
}

TEST(Arrivals, TraceFileWithTimesAndGaps) {
  const auto dir = testing::scratch_dir("trace");
  const auto path = (dir / "t.txt").string();
  std::ofstream(path) << "# arrivals\n1.5\n1.5\n+250ms\n\n+0.25\n2.5s\n";
  const ArrivalSpec spec = parse_arrival("trace:" + path, 0);
  EXPECT_FALSE(arrival_needs_rate("trace:" + path));
  const auto s = generate_schedule(spec, 5, 1);
  const std::vector<Nanos> expected = {milliseconds(0), milliseconds(0), milliseconds(250),
                                       milliseconds(500), milliseconds(1000)};
  EXPECT_EQ(s, expected);
  EXPECT_THROW(generate_schedule(spec, 6, 1), UsageError);  // more requests than the trace holds
  // Read once per process: a later parse of the same file gives the same arrivals even after the
  // file changed (a sweep parses it for every configuration and for its progress estimate).
  std::ofstream(path) << "0\n";
  EXPECT_EQ(*parse_arrival("trace:" + path, 0).trace, *spec.trace);
  const auto bad = (dir / "bad.txt").string();
  std::ofstream(bad) << "1\n0.5\n";
  EXPECT_THROW(parse_arrival("trace:" + bad, 0), UsageError);  // back in time
  std::ofstream(bad) << "1\nsoon\n";
  EXPECT_THROW(parse_arrival("trace:" + bad, 0), UsageError);
  std::ofstream(bad) << "1\n2\n";  // a file that failed is read again once mended
  EXPECT_EQ(parse_arrival("trace:" + bad, 0).trace->size(), 2u);
  EXPECT_THROW(parse_arrival("trace:" + (dir / "absent").string(), 0), UsageError);
  std::filesystem::remove_all(dir);
}

TEST(Arrivals, TraceTimesBeyondThirtyDaysAreOutOfRangeNamingFileAndLine) {
  const auto dir = testing::scratch_dir("trace-range");
  const std::string path = (dir / "t.txt").string();
  const auto read = [&] { parse_arrival("trace:" + path, 0); };
  // 1e10 s is 1e19 ns: it used to overflow int64 into negative arrival times.
  std::ofstream(path) << "0\n1e10\n";
  EXPECT_EQ(message_of(read), "trace '" + path + "' line 2: '1e10' is out of range (0 to 30 days)");
  std::ofstream(path) << "0\n# late\n1e30s\n";
  EXPECT_EQ(message_of(read),
            "trace '" + path + "' line 3: '1e30s' is out of range (0 to 30 days)");
  // Each gap is within range; their sum is not.
  std::ofstream(path) << "0\n+2000000\n+2000000\n";
  EXPECT_EQ(message_of(read),
            "trace '" + path + "' line 3: arrival time: '4e+06' is out of range (0 to 30 days)");
  std::ofstream(path) << "1\n+1e300\n";
  EXPECT_NE(message_of(read).find("line 2: '1e300' is out of range (0 to 30 days)"),
            std::string::npos);
  std::ofstream(path) << "0\n2592000\n";  // exactly 30 days: the longest trace allowed
  EXPECT_EQ(generate_schedule(parse_arrival("trace:" + path, 0), 2, 1).back(),
            std::chrono::hours(24 * 30));
  std::filesystem::remove_all(dir);
}

TEST(Arrivals, RatesAndBurstyPeriodsAreRangeChecked) {
  EXPECT_EQ(message_of([] { parse_arrival("poisson", 2e9); }),
            "rate: '2e+09' is out of range (0 to 1e+09 requests/s)");
  EXPECT_NE(message_of([] { parse_arrival("paper", INFINITY); }).find("rate"), std::string::npos);
  EXPECT_EQ(message_of([] { parse_arrival("bursty:on=1e30,off=0", 0); }),
            "arrival 'bursty:on=1e30,off=0': on: '1e30' is out of range (0 to 1e+09 requests/s)");
  EXPECT_EQ(message_of([] { parse_arrival("bursty:on=10,off=inf", 0); }),
            "arrival 'bursty:on=10,off=inf': off: 'inf' is out of range (0 to 1e+09 requests/s)");
  EXPECT_EQ(message_of([] { parse_arrival("bursty:on=10,off=0,on_time=1e30s", 0); }),
            "arrival 'bursty:on=10,off=0,on_time=1e30s': on_time: '1e30s' is out of range (0 to 30 "
            "days)");
  EXPECT_NE(message_of([] {
              parse_arrival("bursty:on=10,off=1,off_time=43201m", 0);
            }).find("off_time: '43201m' is out of range"),
            std::string::npos);
}

TEST(Arrivals, SchedulesLongerThanThirtyDaysAreRejectedNotOverflowed) {
  // A gap of 1e12 s used to reach llround unchecked.
  const ArrivalSpec slow = parse_arrival("constant", 1e-12);
  EXPECT_EQ(message_of([&] { generate_schedule(slow, 2, 1); }),
            "arrival 'constant' at 1e-12 requests/s: arrival time of request 2: '1e+12' is out of "
            "range (0 to 30 days)");
  EXPECT_EQ(generate_schedule(slow, 1, 1), std::vector<Nanos>{Nanos(0)});
  // One request every 1e6 s: the fourth would arrive on day 34.7.
  const ArrivalSpec daily = parse_arrival("constant", 1e-6);
  EXPECT_EQ(message_of([&] { generate_schedule(daily, 8, 1); }),
            "arrival 'constant' at 1e-06 requests/s: arrival time of request 4: '3e+06' is out of "
            "range (0 to 30 days)");
  EXPECT_THROW(generate_schedule(parse_arrival("paper", 1e-6), 8, 1), UsageError);
  EXPECT_THROW(generate_schedule(parse_arrival("poisson", 1e-9), 3, 1), UsageError);
  // Almost silent on periods: the stream drifts past 30 days instead of looping for ever.
  EXPECT_THROW(generate_schedule(parse_arrival("bursty:on=1e-9,off=0", 0), 2, 1), UsageError);
  // 30 days at one request a second fits.
  EXPECT_EQ(generate_schedule(parse_arrival("constant", 1), 2592001, 1).back(),
            std::chrono::hours(24 * 30));
}

TEST(Arrivals, BadInput) {
  EXPECT_THROW(parse_arrival("paper", 0), UsageError);
  EXPECT_THROW(parse_arrival("poisson", -5), UsageError);
  EXPECT_THROW(parse_arrival("sometimes", 5), UsageError);
}

}  // namespace
}  // namespace gb
