#include "common/text_table.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace gb {
namespace {

// The first `n` code points of `text` (as bytes).
std::size_t bytes_of_prefix(const std::string& text, std::size_t n) {
  std::size_t i = 0;
  for (std::size_t seen = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) continue;
    if (seen++ == n) break;
  }
  return i;
}

// `text` folded at spaces into lines of at most `width` characters.
std::vector<std::string> fold(const std::string& text, std::size_t width) {
  std::vector<std::string> lines(1);
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find(' ', start);
    if (end == std::string::npos) end = text.size();
    std::string word = text.substr(start, end - start);
    while (!word.empty()) {
      std::string& line = lines.back();
      const std::size_t used = display_width(line);
      const std::size_t need = display_width(word) + (used ? 1 : 0);
      if (used + need <= width) {
        line += (used ? " " : "") + word;
        word.clear();
      } else if (used) {
        lines.emplace_back();
      } else {  // a word longer than the room: cut it after a ',' or '|' where it has one
        std::size_t cut = bytes_of_prefix(word, width);
        const std::size_t sep = word.find_last_of(",|", cut - 1);
        if (sep != std::string::npos && sep > 0) cut = sep + 1;
        line = word.substr(0, cut);
        word = word.substr(cut);
        lines.emplace_back();
      }
    }
    start = end + 1;
  }
  if (lines.size() > 1 && lines.back().empty()) lines.pop_back();
  return lines;
}

}  // namespace

std::string fold_lines(const std::string& text, std::size_t width) {
  std::string out;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    const std::string line = text.substr(start, end - start);
    if (display_width(line) <= width || width < 8) {
      out += line;
    } else {
      const std::vector<std::string> parts = fold(line, width);
      out += parts.front();
      if (parts.size() > 1) {
        std::string rest;
        for (std::size_t i = 1; i < parts.size(); ++i) rest += (i > 1 ? " " : "") + parts[i];
        for (const std::string& p : fold(rest, width - 2)) out += "\n  " + p;
      }
    }
    if (end < text.size()) out += "\n";
    start = end + 1;
  }
  return out;
}

std::string first_characters(const std::string& text, std::size_t width) {
  return text.substr(0, bytes_of_prefix(text, width));
}

std::size_t display_width(const std::string& text) {
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

std::string Table::render(std::size_t max_width) const {
  const std::size_t n = header.size();
  const auto rank = [&](std::size_t c) { return c < drop.size() ? drop[c] : 0; };
  std::vector<std::size_t> width(n, 0);
  for (std::size_t c = 0; c < n; ++c) width[c] = display_width(header[c]);
  for (const auto& row : rows) {
    for (std::size_t c = 0; c < row.size() && c < n; ++c) {
      width[c] = std::max(width[c], display_width(row[c]));
    }
  }
  std::vector<bool> shown(n, true);
  const auto total = [&] {
    std::size_t t = 0;
    for (std::size_t c = 0; c < n; ++c) t += shown[c] ? width[c] + 2 : 0;
    return t > 0 ? t - 1 : 0;  // one leading space, two between columns
  };
  // Fold the prose columns, sharing the excess among them, down to `narrowest`.
  const auto fold_columns = [&](std::size_t narrowest) {
    for (std::size_t c = 0; c < n && total() > max_width; ++c) {
      if (!shown[c] || c >= wrap.size() || !wrap[c]) continue;
      const std::size_t excess = total() - max_width;
      width[c] = std::max({width[c] > excess ? width[c] - excess : 0, std::min(width[c], narrowest),
                           display_width(header[c])});
    }
  };
  fold_columns(24);  // a little folding reads better than a column left out
  while (total() > max_width) {
    std::size_t victim = n;
    for (std::size_t c = 0; c < n; ++c) {
      if (shown[c] && rank(c) > 0 && (victim == n || rank(c) >= rank(victim))) victim = c;
    }
    if (victim == n) break;
    shown[victim] = false;
  }
  fold_columns(16);

  auto lines = [&](const std::vector<std::string>& cells) {
    std::vector<std::vector<std::string>> folded(n);
    std::size_t height = 1;
    for (std::size_t c = 0; c < n; ++c) {
      const std::string cell = c < cells.size() ? cells[c] : "";
      const bool folds = c < wrap.size() && wrap[c] && display_width(cell) > width[c];
      folded[c] = folds ? fold(cell, width[c]) : std::vector<std::string>{cell};
      height = std::max(height, folded[c].size());
    }
    std::string out;
    for (std::size_t k = 0; k < height; ++k) {
      std::string line;
      bool first = true;
      for (std::size_t c = 0; c < n; ++c) {
        if (!shown[c]) continue;
        const std::string cell = k < folded[c].size() ? folded[c][k] : "";
        const std::string pad(width[c] - std::min(width[c], display_width(cell)), ' ');
        const bool right = c < numeric.size() && numeric[c];
        line += (first ? " " : "  ") + (right ? pad + cell : cell + pad);
        first = false;
      }
      while (!line.empty() && line.back() == ' ') line.pop_back();
      out += line + "\n";
    }
    return out;
  };
  std::string out = lines(header);
  out += " " + std::string(total() > 1 ? total() - 1 : 0, '-') + "\n";
  for (const auto& row : rows) out += lines(row);
  std::string names;  // of the columns left out, in the table's order
  std::size_t left_out = 0;
  for (std::size_t c = 0; c < n; ++c) {
    if (shown[c]) continue;
    names += (left_out++ ? ", " : "") + header[c];
  }
  if (left_out > 0) {
    out += fold_lines(fmt::format("({} more column{}: {}; --wide shows {})", left_out,
                                  left_out == 1 ? "" : "s", names, left_out == 1 ? "it" : "them"),
                      max_width) +
           "\n";
  }
  return out;
}

ScaledColumn scale_column(const std::vector<double>& values, const std::string& unit,
                          int significant, int largest_prefix) {
  static const char* const kPrefix[] = {"n", "µ", "m", "", "k", "M", "G"};
  const auto prefix_for = [&](double magnitude) {  // its exponent: -9 .. 9, a multiple of 3
    return std::clamp(static_cast<int>(std::floor(std::log10(magnitude) / 3)) * 3, -9,
                      std::min(9, largest_prefix));
  };
  const auto decimals_for = [&](double scaled) {
    const int digits = static_cast<int>(std::floor(std::log10(scaled)));
    return std::clamp(significant - 1 - digits, 0, significant);
  };
  // The unit and decimals suit the column's smallest magnitude, so a small value keeps its
  // digits; values far larger (an overloaded run's response time) name their own unit instead
  // of growing long.
  double smallest = 0;
  for (double v : values) {
    if (std::isfinite(v) && v != 0 && (smallest == 0 || std::fabs(v) < smallest)) {
      smallest = std::fabs(v);
    }
  }
  int exponent = 0, decimals = 0;
  if (smallest > 0) {
    exponent = prefix_for(smallest);
    decimals = decimals_for(smallest * std::pow(10.0, -exponent));
  }
  ScaledColumn out;
  out.unit = std::string(kPrefix[exponent / 3 + 3]) + unit;
  const double outlier = std::pow(10.0, significant + 1);
  for (double v : values) {
    const double x = v * std::pow(10.0, -exponent);
    if (!std::isfinite(v)) {
      out.cells.push_back("-");
    } else if (std::fabs(x) < outlier) {
      out.cells.push_back(fmt::format("{:.{}f}", x, decimals));
    } else {  // in a unit of its own, named
      const int e = prefix_for(std::fabs(v));
      const double y = v * std::pow(10.0, -e);
      out.cells.push_back(
          fmt::format("{:.{}f} {}{}", y, decimals_for(std::fabs(y)), kPrefix[e / 3 + 3], unit));
    }
  }
  return out;
}

}  // namespace gb
