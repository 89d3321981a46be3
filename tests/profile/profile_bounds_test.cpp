// Profile files are read bounded: a file over the size limit, a FIFO-like endless one, or one
// nested deeper than kMaxJsonDepth is refused before it is parsed (read_bounded_file and
// check_json_depth, common/files.h).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "common/errors.h"
#include "common/files.h"
#include "profile/profile.h"
#include "profile/profile_fixture.h"
#include "test_paths.h"

namespace gb {
namespace {

std::string message_of(const std::string& path) {
  try {
    ServiceProfile::load(path);
  } catch (const UsageError& e) {
    return e.what();
  }
  return "(loaded)";
}

TEST(ProfileBounds, DeepNestingIsRefusedBeforeParsing) {
  const auto dir = testing::scratch_dir("profile-bounds");
  const std::string path = (dir / "deep.json").string();
  std::ofstream(path) << std::string(100000, '[') << std::string(100000, ']');
  const std::string what = message_of(path);
  EXPECT_NE(what.find("profile '" + path + "' nests deeper than 64 levels"), std::string::npos)
      << what;
  // Brackets inside strings (escaped quotes too) do not count.
  std::ofstream(path) << "{\"format\": \"a\\\"" << std::string(1000, '[') << "\"}";
  EXPECT_EQ(message_of(path).find("nests deeper"), std::string::npos) << message_of(path);
  // A real profile still loads.
  testing::linear_profile("alexnet").save(path);
  EXPECT_EQ(ServiceProfile::load(path).model, "alexnet");
  std::filesystem::remove_all(dir);
}

TEST(ProfileBounds, OversizedOrUnreadableFilesAreRefused) {
  const auto dir = testing::scratch_dir("profile-bounds");
  const std::string path = (dir / "big.json").string();
  std::ofstream(path) << "{";
  std::filesystem::resize_file(path, (256ULL << 20) + 1);  // sparse: nothing is written
  EXPECT_NE(message_of(path).find("profile '" + path + "' is larger than the limit of"),
            std::string::npos)
      << message_of(path);
  EXPECT_NE(message_of(dir.string()).find("cannot be read"), std::string::npos);
  EXPECT_NE(message_of((dir / "absent.json").string()).find("cannot be read"), std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST(ProfileBounds, ReadBoundedFileStopsAtTheBoundOnStreams) {
  // /dev/zero has no size: the bound is enforced while reading.
  EXPECT_THROW(read_bounded_file("/dev/zero", 1 << 20), UsageError);
  const auto dir = testing::scratch_dir("profile-bounds");
  const std::string path = (dir / "f").string();
  std::ofstream(path) << "12345";
  EXPECT_EQ(read_bounded_file(path, 5), "12345");
  EXPECT_THROW(read_bounded_file(path, 4), UsageError);
  EXPECT_NO_THROW(check_json_depth("[[{\"a\": [1]}]]", 4, "x"));
  EXPECT_THROW(check_json_depth("[[{\"a\": [1]}]]", 3, "x"), UsageError);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace gb
