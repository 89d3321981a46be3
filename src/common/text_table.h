// Table: a plain aligned text table, hyperfine-style (reads at a glance): a header, a rule, rows;
// columns padded to their widest cell, numeric ones right-aligned, no trailing spaces.
//
// Contract of render(max_width):
// - Widths count characters (UTF-8 code points), not bytes, so "µJ" and "±" align.
// - While the table is wider than max_width, the `wrap` columns are first folded down to 24
//   characters; then, one at a time, the column with the highest `drop` rank (the rightmost
//   among equals) is left out; rank 0 is never left out. A last line names the columns left out
//   and says that --wide shows them.
// - If it is still too wide, the `wrap` columns are folded further, never narrower than 16
//   characters. Folding breaks at spaces; a word longer than the room is cut after its last ','
//   or '|' that fits, else where the room ends.
// - With max_width = kUnlimitedWidth nothing is left out or folded.
#pragma once

#include <cstddef>
#include <limits>
#include <string>
#include <vector>

namespace gb {

// What command output is fitted to unless --wide is given.
inline constexpr std::size_t kTerminalWidth = 100;
inline constexpr std::size_t kUnlimitedWidth = std::numeric_limits<std::size_t>::max();

struct Table {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  // Columns whose cells are right-aligned (numbers).
  std::vector<bool> numeric;
  // Rank in which columns are left out when the table is too wide (0: never; missing: 0).
  std::vector<int> drop;
  // Columns of prose that may be folded onto several lines (missing: false).
  std::vector<bool> wrap;
  std::string render(std::size_t max_width = kUnlimitedWidth) const;
};

// Every line of `text` longer than `width` folded at spaces, its continuation lines indented by
// two spaces; shorter lines as they are.
std::string fold_lines(const std::string& text, std::size_t width);

// The first `width` characters (code points) of UTF-8 text.
std::string first_characters(const std::string& text, std::size_t width);

// Characters (code points) of UTF-8 text.
std::size_t display_width(const std::string& text);

// A column of quantities in one unit, with the SI prefix (at most `largest_prefix`, as a power of
// ten: 0 keeps seconds from becoming ks) and the decimals that suit its smallest magnitude to
// `significant` digits, the same decimals in every cell so the decimal points align: {3.1e-6,
// 2.2e-6} in "J" is unit "µJ", cells "3.10", "2.20". A cell 10^(significant+1) times the unit
// or larger is printed in a unit of its own, named ("1377 s" in a column of ms); non-finite
// values as "-".
struct ScaledColumn {
  std::string unit;  // prefix + unit: "µJ", "ms", "W", "M/s"
  std::vector<std::string> cells;
};
ScaledColumn scale_column(const std::vector<double>& values, const std::string& unit,
                          int significant = 3, int largest_prefix = 9);

}  // namespace gb
