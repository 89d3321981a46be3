// Text from the results (model and policy names, machine descriptions) made safe for HTML and SVG:
// & < > " ' all escaped, so it can neither open an element nor end an attribute in either quote,
// wherever it is put. Shared by the page (report/html.h) and the figures' hover titles.
#pragma once

#include <string>

namespace gb {

std::string html_escape(const std::string& text);

}  // namespace gb
