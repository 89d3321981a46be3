// The report page: one self-contained HTML document (inline styles, inline SVG figures, a small
// sorting script; nothing fetched), so it can be mailed or archived alone.
//
// Contract: pure. The page is a function of `content` alone: no file is read or written, no
// clock or environment consulted, and each figure's SVG is inlined exactly as given (the figure
// step has already made its ids unique in the page). Every text from the results (model and
// policy names, machine descriptions, the experiment file, notes) is HTML-escaped, & < > " and '
// alike, so it is safe as text and in any attribute; ids and links are the figure step's own.
#pragma once

#include <string>

#include "report/content.h"

namespace gb {

std::string render_html(const ReportContent& content);

}  // namespace gb
