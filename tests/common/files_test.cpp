// write_file_atomically: complete or absent, appends included, and nothing left behind on failure.
#include "common/files.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "common/errors.h"
#include "test_paths.h"

namespace gb {
namespace {

namespace fs = std::filesystem;

std::string read(const fs::path& p) {
  std::ifstream in(p);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

class AtomicWriteTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("gb-files-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::size_t entries() const {
    return static_cast<std::size_t>(std::distance(fs::directory_iterator(dir_), {}));
  }
  fs::path dir_;
};

TEST_F(AtomicWriteTest, ReplacesAppendsAndSyncs) {
  const std::string f = (dir_ / "f.txt").string();
  write_file_atomically(f, "one\n");
  write_file_atomically(f, "two\n");
  EXPECT_EQ(read(f), "two\n");
  write_file_atomically(f, "three\n", AtomicWrite{/*append=*/true, /*fsync=*/true});
  EXPECT_EQ(read(f), "two\nthree\n");
  write_file_atomically(
      (dir_ / "g.txt").string(), [](std::ostream& out) { out << "streamed"; },
      AtomicWrite{/*append=*/true, /*fsync=*/false});  // appending to nothing creates it
  EXPECT_EQ(read(dir_ / "g.txt"), "streamed");
  EXPECT_EQ(entries(), 2u);  // no temporaries
}

TEST_F(AtomicWriteTest, AFailedWriteKeepsTheOldFileAndLeavesNoTemporary) {
  const std::string f = (dir_ / "f.txt").string();
  write_file_atomically(f, "old");
  EXPECT_THROW(write_file_atomically(f,
                                     [](std::ostream& out) {
                                       out << "half";
                                       throw std::runtime_error("interrupted");
                                     }),
               std::runtime_error);
  EXPECT_EQ(read(f), "old");
  EXPECT_EQ(entries(), 1u);
  EXPECT_THROW(write_file_atomically((dir_ / "no" / "f.txt").string(), "x"), RunError);
}

// A FIFO planted where a results file should be would block the reader forever on open; a device
// would be read up to the size bound. Both are refused before they are opened.
TEST(BoundedRead, DevicesAndFifosAreRefusedBeforeOpening) {
  const auto dir = testing::scratch_dir("bounded-read");
  const std::string fifo = (dir / "summary.json").string();
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  EXPECT_THROW(read_bounded_file(fifo, 1 << 20), UsageError);
  EXPECT_THROW(read_bounded_file("/dev/zero", 1ull << 40), UsageError);
  std::filesystem::remove_all(dir);
}

TEST(LinksInsideAFolder, OnlyLinksLeavingTheFolderAreRefused) {
  const auto dir = testing::scratch_dir("links-inside");
  std::ofstream(dir / "real.json") << "[]";
  std::filesystem::create_symlink(dir / "real.json", dir / "inside.json");
  std::filesystem::create_symlink("/etc/passwd", dir / "outside.json");
  EXPECT_NO_THROW(check_link_stays_inside((dir / "real.json").string(), dir.string()));
  EXPECT_NO_THROW(check_link_stays_inside((dir / "inside.json").string(), dir.string()));
  EXPECT_THROW(check_link_stays_inside((dir / "outside.json").string(), dir.string()), UsageError);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace gb
