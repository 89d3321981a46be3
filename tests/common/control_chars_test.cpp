// One rule for control characters, two treatments: replaced in prose, dropped from values.
#include "common/control_chars.h"

#include <gtest/gtest.h>

namespace gb {
namespace {

TEST(ControlChars, C0AndDelAreControlsAndUtf8IsNot) {
  for (int c = 0; c < 0x20; ++c) EXPECT_TRUE(is_control(static_cast<char>(c))) << c;
  EXPECT_TRUE(is_control('\x7f'));
  EXPECT_FALSE(is_control(' '));
  EXPECT_FALSE(is_control('~'));
  // The bytes of "µ" (0xc2 0xb5): a name in UTF-8 passes whole.
  EXPECT_FALSE(is_control('\xc2'));
  EXPECT_FALSE(is_control('\xb5'));
}

TEST(ControlChars, ProseKeepsItsWordsApartAndValuesKeepTheirCharacters) {
  const std::string hostile = "alex\x1b[2Jnet\nforged line\r\t\x7f";
  EXPECT_EQ(replace_controls(hostile), "alex [2Jnet forged line   ");
  EXPECT_EQ(replace_controls(hostile, '?'), "alex?[2Jnet?forged line???");
  EXPECT_EQ(drop_controls(hostile), "alex[2Jnetforged line");
  EXPECT_EQ(drop_controls("µJ/img"), "µJ/img");
  EXPECT_EQ(drop_controls(""), "");
}

}  // namespace
}  // namespace gb
