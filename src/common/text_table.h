// Table: a plain aligned text table, hyperfine-style (reads at a glance): a header, a rule, rows;
// columns padded to their widest cell, numeric ones right-aligned, no trailing spaces.
#pragma once

#include <string>
#include <vector>

namespace gb {

struct Table {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  // Columns whose cells are right-aligned (numbers).
  std::vector<bool> numeric;
  std::string render() const;
};

}  // namespace gb
