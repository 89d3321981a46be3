#include "common/parse.h"

#include <gtest/gtest.h>

#include "common/errors.h"

namespace gb {
namespace {

using std::chrono::milliseconds;

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

TEST(FormatDuration, RoundTripsThroughParse) {
  for (Nanos d : {Nanos(0), Nanos(7), Nanos(80000), Nanos(250000000), Nanos(1500000000)}) {
    EXPECT_EQ(parse_duration(format_duration(d)), d) << format_duration(d);
  }
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
