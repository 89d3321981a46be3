// Columns: a text table (common/text_table.h) built column by column, for the terminal's tables
// (report/console.h). Internal to the report module.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "common/text_table.h"

namespace gb {

// A table built column by column: prose columns as they are, quantities scaled to one unit per
// column (common/text_table.h's scale_column) with the unit in the header.
class Columns {
 public:
  explicit Columns(std::size_t rows) : rows_(rows) {}
  void text(const std::string& name, std::vector<std::string> cells, int drop = 0,
            bool wrap = false) {
    add(name, std::move(cells), false, drop, wrap);
  }
  void count(const std::string& name, std::vector<std::string> cells, int drop = 0) {
    add(name, std::move(cells), true, drop, false);
  }
  // `marks[i]` is appended to row i's cell (a flag such as " !").
  void quantity(const std::string& name, const std::vector<double>& values, const std::string& unit,
                int drop = 0, const std::vector<std::string>& marks = {}) {
    // Seconds stay seconds at most: "ks" reads as nothing people know.
    ScaledColumn c = scale_column(values, unit, 3, unit == "s" ? 0 : 9);
    for (std::size_t i = 0; i < marks.size() && i < c.cells.size(); ++i) c.cells[i] += marks[i];
    add(name + " (" + c.unit + ")", std::move(c.cells), true, drop, false);
  }
  const Table& table() const { return t_; }

 private:
  void add(const std::string& name, std::vector<std::string> cells, bool numeric, int drop,
           bool wrap) {
    t_.header.push_back(name);
    t_.numeric.push_back(numeric);
    t_.drop.push_back(drop);
    t_.wrap.push_back(wrap);
    t_.rows.resize(rows_);
    for (std::size_t r = 0; r < rows_; ++r) t_.rows[r].push_back(r < cells.size() ? cells[r] : "");
  }
  std::size_t rows_;
  Table t_;
};

}  // namespace gb
