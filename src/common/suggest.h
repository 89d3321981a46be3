// closest_match: the candidate a mistyped word most likely meant, for "did you mean" hints in
// error messages (an unknown option, model or policy). A candidate that starts with the word
// ("shufflenet" -> "shufflenet_v2_x0_5") wins; else the nearest by edit distance, if within a
// third of the word's length (at least 2). "" when nothing is close.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace gb {

std::string closest_match(std::string_view word, const std::vector<std::string>& candidates);

// " (did you mean 'X'?)" for closest_match's answer, or "".
std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace gb
