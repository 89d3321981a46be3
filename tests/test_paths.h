// Where the tests find the sources (reference scripts) and the build (binaries, cached exports).
// Compiled in by tests/CMakeLists.txt, so every way of running a test binary agrees.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>

namespace gb::testing {

inline std::string source_dir() { return GB_TEST_SOURCE_DIR; }
inline std::string build_dir() { return GB_TEST_BUILD_DIR; }

// An empty folder of its own for the running test (`tag` keeps suites apart), under the system's
// temporary directory; the caller removes it.
inline std::filesystem::path scratch_dir(const std::string& tag) {
  namespace fs = std::filesystem;
  const fs::path dir =
      fs::temp_directory_path() / ("gb-" + tag + "-" + std::to_string(::getpid()) + "-" +
                                   ::testing::UnitTest::GetInstance()->current_test_info()->name());
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

}  // namespace gb::testing
