// compare_experiments: how the experiment file a store holds relates to the one a sweep is
// started with. Parsed, not textual: a comment is no change; a differing setting is named; a grid
// that only grew (every stored configuration id still in it, the settings the same) extends the
// sweep. Used by the store (opening to write) and by the folder check (every store of a folder
// belongs to one experiment).
#pragma once

#include <cstddef>
#include <string>

#include "results/experiment_file.h"

namespace gb {

struct Comparison {
  enum Kind { kSame, kGrown, kDifferent } kind = kSame;
  std::string why;        // kDifferent: the first differing key, with both values
  std::size_t added = 0;  // kGrown: configurations the given grid adds
};

// `stored_text` and `stored_hash` are the experiment file a store holds (its meta), `given` the
// one it is opened with.
Comparison compare_experiments(const std::string& stored_text, const std::string& stored_hash,
                               const ExperimentFile& given);

}  // namespace gb
