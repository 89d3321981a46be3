// Where the tests find the sources (reference scripts) and the build (binaries, cached exports).
// Compiled in by tests/CMakeLists.txt, so every way of running a test binary agrees.
#pragma once

#include <string>

namespace gb::testing {

inline std::string source_dir() { return GB_TEST_SOURCE_DIR; }
inline std::string build_dir() { return GB_TEST_BUILD_DIR; }

}  // namespace gb::testing
