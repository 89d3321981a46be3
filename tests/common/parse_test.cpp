#include "common/parse.h"

#include <gtest/gtest.h>

#include <cmath>

#include "common/errors.h"
#include "common/suggest.h"
#include "usage_message.h"

namespace gb {
namespace {

using std::chrono::milliseconds;
using testing::message_of;  // the message every out-of-range number gets, wherever it comes from

TEST(ParseDuration, Units) {
  EXPECT_EQ(parse_duration("250ms"), milliseconds(250));
  EXPECT_EQ(parse_duration("1.5s"), milliseconds(1500));
  EXPECT_EQ(parse_duration("80us"), std::chrono::microseconds(80));
  EXPECT_EQ(parse_duration("7ns"), Nanos(7));
  EXPECT_EQ(parse_duration("2m"), std::chrono::seconds(120));
  EXPECT_EQ(parse_duration("0ms"), Nanos(0));
}

TEST(ParseDuration, RejectsMissingUnitNegativeAndGarbage) {
  EXPECT_THROW(parse_duration("250"), UsageError);
  EXPECT_THROW(parse_duration("-1ms"), UsageError);
  EXPECT_THROW(parse_duration("abcms"), UsageError);
  EXPECT_THROW(parse_duration("5h"), UsageError);
  EXPECT_THROW(parse_duration(""), UsageError);
}

TEST(ParseDuration, RejectsOverflowAndAnythingBeyondThirtyDays) {
  // 1e30 s used to go through llround unchecked and come out as a negative timeout.
  EXPECT_EQ(message_of([] { parse_duration("1e30s"); }),
            "duration: '1e30s' is out of range (0 to 30 days)");
  for (const char* text : {"1e10s", "2592000.5s", "43201m", "1e300min", "9.3e18ns", "1e16us"}) {
    EXPECT_NE(message_of([&] { parse_duration(text); }).find("is out of range (0 to 30 days)"),
              std::string::npos)
        << text;
  }
  EXPECT_EQ(parse_duration("43200m"), std::chrono::hours(24 * 30));
  EXPECT_EQ(parse_duration("2592000s"), std::chrono::hours(24 * 30));
  EXPECT_EQ(kMaxDuration, std::chrono::hours(24 * 30));
  EXPECT_EQ(message_of([] { parse_duration("-1ms"); }),
            "duration: '-1ms' is out of range (0 to 30 days)");
}

TEST(ParseDuration, NamesWhatIsOutOfRangeAndKeepsSyntaxErrorsApart) {
  EXPECT_EQ(message_of([] { parse_duration("1e400s", "timeout"); }),
            "timeout: '1e400s' is out of range (0 to 30 days)");  // overflows a double
  EXPECT_THROW(parse_duration("1e30s"), OutOfRangeError);
  EXPECT_EQ(message_of([] { parse_duration("10", "timeout"); }),
            "duration '10' needs a unit: ns, us, ms, s or m (e.g. 250ms)");
  EXPECT_EQ(parse_duration(" 250 ms "), milliseconds(250));
  EXPECT_EQ(parse_duration("43200m"), kMaxDuration);
}

TEST(SecondsToNanos, SameRangeAndWordingAsDurations) {
  EXPECT_EQ(seconds_to_nanos(1.5, "idle"), milliseconds(1500));
  EXPECT_EQ(seconds_to_nanos(0, "idle"), Nanos(0));
  EXPECT_EQ(seconds_to_nanos(2592000, "idle"), kMaxDuration);
  EXPECT_EQ(message_of([] { seconds_to_nanos(NAN, "idle"); }),
            "idle: 'nan' is out of range (0 to 30 days)");
  EXPECT_EQ(message_of([] { seconds_to_nanos(INFINITY, "idle"); }),
            "idle: 'inf' is out of range (0 to 30 days)");
  EXPECT_EQ(message_of([] { seconds_to_nanos(1e30, "idle"); }),
            "idle: '1e+30' is out of range (0 to 30 days)");
  EXPECT_EQ(message_of([] { seconds_to_nanos(-0.5, "idle", "-500ms"); }),
            "idle: '-500ms' is out of range (0 to 30 days)");
  EXPECT_THROW(seconds_to_nanos(2592000.001, "idle"), OutOfRangeError);
}

TEST(ParseSeconds, PlainNumbersOnly) {
  EXPECT_EQ(parse_seconds("0.125", "t"), milliseconds(125));
  EXPECT_EQ(parse_seconds(" 1e3 ", "t"), std::chrono::seconds(1000));
  EXPECT_EQ(message_of([] { parse_seconds("1e10", "t"); }),
            "t: '1e10' is out of range (0 to 30 days)");
  EXPECT_EQ(message_of([] { parse_seconds("inf", "t"); }),
            "t: 'inf' is out of range (0 to 30 days)");
  EXPECT_EQ(message_of([] { parse_seconds("5ms", "t"); }), "t: '5ms' is not a number");
  EXPECT_EQ(message_of([] { parse_seconds("", "t"); }), "t: empty number");
}

TEST(ParseNumbers, RangedDoublesCallNonFiniteValuesOutOfRange) {
  EXPECT_DOUBLE_EQ(parse_double_in("2.5", "on", 0, 1e9, "requests/s"), 2.5);
  EXPECT_DOUBLE_EQ(parse_double_in("1e9", "on", 0, 1e9, "requests/s"), 1e9);
  for (const char* text : {"nan", "inf", "-inf", "1e400", "-1", "1e10"}) {
    EXPECT_EQ(message_of([&] { parse_double_in(text, "on", 0, 1e9, "requests/s"); }),
              std::string("on: '") + text + "' is out of range (0 to 1e+09 requests/s)");
  }
  EXPECT_EQ(message_of([] { parse_double_in("fast", "on", 0, 1, ""); }),
            "on: 'fast' is not a number");
  // Unranged, a non-finite value is still simply not a number.
  EXPECT_EQ(message_of([] { parse_double("inf", "x"); }), "x: 'inf' is not a number");
  EXPECT_EQ(message_of([] { check_range(NAN, "w", 0, 100, "W"); }),
            "w: 'nan' is out of range (0 to 100 W)");
  EXPECT_EQ(message_of([] { check_range(7, "n", 1, 5, ""); }), "n: '7' is out of range (1 to 5)");
  EXPECT_DOUBLE_EQ(check_range(5, "n", 1, 5, ""), 5);
}

TEST(FormatDuration, RoundTripsThroughParse) {
  for (Nanos d : {Nanos(0), Nanos(7), Nanos(80000), Nanos(250000000), Nanos(1500000000)}) {
    EXPECT_EQ(parse_duration(format_duration(d)), d) << format_duration(d);
  }
  // Exact: two budgets never print alike (canonical policies and configuration ids rest on it).
  for (Nanos d : {Nanos(1000000100), Nanos(12345678), Nanos(12500000000), Nanos(1)}) {
    EXPECT_EQ(parse_duration(format_duration(d)), d) << format_duration(d);
  }
  EXPECT_NE(format_duration(Nanos(1000000100)), format_duration(std::chrono::seconds(1)));
  EXPECT_EQ(format_duration(milliseconds(250)), "250ms");
  EXPECT_EQ(format_duration(milliseconds(1500)), "1500ms");
}

TEST(ParseNumbers, IntegersAndDoubles) {
  EXPECT_EQ(parse_int("42", "x"), 42);
  EXPECT_THROW(parse_int("4.2", "x"), UsageError);
  EXPECT_THROW(parse_int("abc", "x"), UsageError);
  EXPECT_DOUBLE_EQ(parse_double("0.5", "x"), 0.5);
  EXPECT_THROW(parse_double("nan", "x"), UsageError);
  EXPECT_THROW(parse_double("1x", "x"), UsageError);
}

TEST(Split, KeepsEmptyFieldsAndTrims) {
  EXPECT_EQ(split("a, b,,c", ','), (std::vector<std::string>{"a", "b", "", "c"}));
}

}  // namespace
}  // namespace gb

namespace gb {
namespace {

TEST(Suggest, APrefixOrANearWordIsSuggestedAndAFarOneIsNot) {
  const std::vector<std::string> options = {"--policy", "--profile", "--rate", "--requests"};
  EXPECT_EQ(closest_match("--polcy", options), "--policy");
  EXPECT_EQ(closest_match("--reqests", options), "--requests");
  EXPECT_EQ(closest_match("--xyzzy", options), "");
  EXPECT_EQ(closest_match("shufflenet", {"alexnet", "shufflenet_v2_x0_5", "shufflenet_v2_x1_0"}),
            "shufflenet_v2_x0_5");  // the shortest that the word begins
  EXPECT_EQ(did_you_mean("--polcy", options), " (did you mean '--policy'?)");
  EXPECT_EQ(did_you_mean("", options), "");
}

TEST(ParseSecondsOrDuration, APlainNumberIsSecondsAndAUnitIsHonoured) {
  EXPECT_EQ(parse_seconds_or_duration("5", "t"), std::chrono::seconds(5));
  EXPECT_EQ(parse_seconds_or_duration("500ms", "t"), std::chrono::milliseconds(500));
  EXPECT_EQ(parse_seconds_or_duration(" 0.25 ", "t"), std::chrono::milliseconds(250));
  EXPECT_THROW(parse_seconds_or_duration("5x", "t"), UsageError);
  EXPECT_THROW(parse_seconds_or_duration("-1", "t"), UsageError);
}

}  // namespace
}  // namespace gb
