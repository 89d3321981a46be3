// The text boxes of a gnuplot SVG, for tests that check that no two texts of a figure overlap.
//
// gnuplot's svg terminal writes every text as
//   <g transform="translate(X,Y)[ rotate(A)]" ... font-size="F" ... text-anchor="start|middle|end">
//   <text>TEXT</text>
// with (X, Y) the baseline's anchor. A box is estimated, independently of the report's own layout
// code, as (characters x F x 0.6) wide, from 0.8 F above the baseline to 0.2 F below it, rotated
// with the text; two boxes overlap when no separating axis exists between the rectangles.
#pragma once

#include <array>
#include <cmath>
#include <regex>
#include <string>
#include <utility>
#include <vector>

namespace gb::testing {

struct TextBox {
  std::string text;
  std::array<std::pair<double, double>, 4> corners;  // pixels, in order around the box
};

// Characters as a browser shows them: an entity (&amp;) is one, a UTF-8 sequence is one.
inline std::size_t shown_chars(const std::string& text) {
  std::size_t n = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '&') {
      const auto semi = text.find(';', i);
      if (semi != std::string::npos && semi - i <= 8) i = semi;
    }
    n += (static_cast<unsigned char>(text[i]) & 0xC0) != 0x80;
  }
  return n;
}

struct SvgTexts {
  std::vector<TextBox> boxes;  // every non-blank text
  std::size_t elements = 0;    // <text> elements in the SVG, parsed or not
  double width = 0, height = 0;
};

inline SvgTexts svg_texts(const std::string& svg) {
  SvgTexts out;
  std::smatch size;
  if (std::regex_search(svg, size,
                        std::regex(R"re(<svg[^>]*width="([\d.]+)" height="([\d.]+)")re"))) {
    out.width = std::stod(size[1]), out.height = std::stod(size[2]);
  }
  for (auto at = svg.find("<text"); at != std::string::npos; at = svg.find("<text", at + 1)) {
    ++out.elements;
  }
  static const std::regex text_re(
      R"re(<g transform="translate\(([-\d.]+),([-\d.]+)\)(?: rotate\(([-\d.]+)\))?"[^>]*font-size="([\d.]+)"[^>]*text-anchor="(start|middle|end)"[^>]*>\s*<text>([^<]*)</text>)re");
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), text_re);
       it != std::sregex_iterator(); ++it) {
    const std::smatch& m = *it;
    std::string text = m[6].str();
    const auto first = text.find_first_not_of(' ');
    if (first == std::string::npos) {
      --out.elements;  // an empty text (gnuplot writes one for an unset label): nothing shown
      continue;
    }
    text = text.substr(first);
    const double x = std::stod(m[1]), y = std::stod(m[2]);
    const double angle = m[3].matched ? std::stod(m[3]) * M_PI / 180 : 0;
    const double fs = std::stod(m[4]), w = static_cast<double>(shown_chars(text)) * fs * 0.6;
    const std::string anchor = m[5];
    const double x0 = anchor == "start" ? 0 : anchor == "end" ? -w : -w / 2;
    const std::pair<double, double> local[4] = {
        {x0, -0.8 * fs}, {x0 + w, -0.8 * fs}, {x0 + w, 0.2 * fs}, {x0, 0.2 * fs}};
    TextBox b{text, {}};
    for (int i = 0; i < 4; ++i) {
      const auto [px, py] = local[i];
      b.corners[i] = {x + px * std::cos(angle) - py * std::sin(angle),
                      y + px * std::sin(angle) + py * std::cos(angle)};
    }
    out.boxes.push_back(std::move(b));
    --out.elements;
  }
  return out;  // `elements` now counts the texts the pattern did not read
}

inline bool boxes_overlap(const TextBox& a, const TextBox& b) {
  for (const TextBox* p : {&a, &b}) {
    for (int i = 0; i < 4; ++i) {
      const auto [ax, ay] = p->corners[i];
      const auto [bx, by] = p->corners[(i + 1) % 4];
      const double nx = ay - by, ny = bx - ax;  // the edge's normal
      double amin = INFINITY, amax = -INFINITY, bmin = INFINITY, bmax = -INFINITY;
      for (const auto& [x, y] : a.corners) {
        amin = std::min(amin, nx * x + ny * y), amax = std::max(amax, nx * x + ny * y);
      }
      for (const auto& [x, y] : b.corners) {
        bmin = std::min(bmin, nx * x + ny * y), bmax = std::max(bmax, nx * x + ny * y);
      }
      if (amax <= bmin || bmax <= amin) return false;
    }
  }
  return true;
}

// "'a' overlaps 'b'" for each overlapping pair, and "'a' leaves the canvas" for each text outside
// it; empty when the figure is readable in this sense.
inline std::vector<std::string> text_problems(const std::string& svg) {
  const SvgTexts t = svg_texts(svg);
  std::vector<std::string> out;
  if (t.elements != 0) out.push_back(std::to_string(t.elements) + " <text> elements not parsed");
  for (std::size_t i = 0; i < t.boxes.size(); ++i) {
    for (std::size_t j = i + 1; j < t.boxes.size(); ++j) {
      if (boxes_overlap(t.boxes[i], t.boxes[j])) {
        out.push_back("'" + t.boxes[i].text + "' overlaps '" + t.boxes[j].text + "'");
      }
    }
    for (const auto& [x, y] : t.boxes[i].corners) {
      if (x < 0 || y < 0 || x > t.width || y > t.height) {
        out.push_back("'" + t.boxes[i].text + "' leaves the canvas");
        break;
      }
    }
  }
  return out;
}

// The <svg>...</svg> elements of a page.
inline std::vector<std::string> inline_svgs(const std::string& html) {
  std::vector<std::string> out;
  for (auto at = html.find("<svg"); at != std::string::npos; at = html.find("<svg", at + 1)) {
    const auto end = html.find("</svg>", at);
    if (end == std::string::npos) break;
    out.push_back(html.substr(at, end + 6 - at));
    at = end;
  }
  return out;
}

}  // namespace gb::testing
