// Our decode + preprocess against torchvision's transforms on the same files.
// Tolerance: PIL's resampling is reproduced exactly (same fixed-point arithmetic), so we assert
// agreement to float32 rounding (1e-6) on every element; a single uint8 level would be 0.0175.
#include "inference/preprocess.h"

#include <gtest/gtest.h>
#include <png.h>
#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "common/errors.h"
#include "inference/image.h"
#include "inference/image_set.h"
#include "test_paths.h"

namespace gb {
namespace {

namespace fs = std::filesystem;
constexpr std::size_t kFloats = 3 * 224 * 224;

RgbImage pattern(int w, int h, int seed) {
  RgbImage img;
  img.width = w;
  img.height = h;
  img.pixels.resize(static_cast<std::size_t>(w) * h * 3);
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      uint8_t* p = &img.pixels[(static_cast<std::size_t>(y) * w + x) * 3];
      p[0] = static_cast<uint8_t>((x * 7 + y * 3 + seed) % 256);
      p[1] = static_cast<uint8_t>((x * x + y * 11 + seed * 5) % 256);
      p[2] = static_cast<uint8_t>(((x ^ y) * 13 + seed) % 256);
    }
  }
  return img;
}

std::vector<uint8_t> read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_file(const fs::path& p, const std::vector<uint8_t>& bytes) {
  std::ofstream out(p, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
}

// Writes an RGB image as PNG, with an alpha channel or as grey when asked.
void write_png(const fs::path& p, const RgbImage& img, bool alpha, bool grey) {
  png_image png{};
  png.version = PNG_IMAGE_VERSION;
  png.width = static_cast<png_uint_32>(img.width);
  png.height = static_cast<png_uint_32>(img.height);
  png.format = grey ? PNG_FORMAT_GRAY : (alpha ? PNG_FORMAT_RGBA : PNG_FORMAT_RGB);
  std::vector<uint8_t> buf;
  for (std::size_t i = 0; i < img.pixels.size() / 3; ++i) {
    if (grey) {
      buf.push_back(img.pixels[i * 3]);
      continue;
    }
    buf.insert(buf.end(), &img.pixels[i * 3], &img.pixels[i * 3] + 3);
    if (alpha) buf.push_back(static_cast<uint8_t>(i % 256));
  }
  ASSERT_TRUE(png_image_write_to_file(&png, p.c_str(), 0, buf.data(), 0, nullptr)) << png.message;
}

class PreprocessVsTorchvision : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = fs::path(testing::build_dir()) / "test-data" / "preprocess";
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "ref");
    write_builtin_images(dir_.string());
    write_file(dir_ / "odd-333x517.jpg", encode_jpeg(pattern(333, 517, 1), 85));
    write_file(dir_ / "small-100x80.jpg", encode_jpeg(pattern(100, 80, 2), 95));
    write_file(dir_ / "exact-256x300.jpg", encode_jpeg(pattern(256, 300, 3), 90));
    write_png(dir_ / "rgb-640x427.png", pattern(640, 427, 4), false, false);
    write_png(dir_ / "rgba-300x300.png", pattern(300, 300, 5), true, false);
    write_png(dir_ / "grey-260x401.png", pattern(260, 401, 6), false, true);
    std::string cmd = "/usr/bin/python3 '" + testing::source_dir() +
                      "/tests/inference/torchvision_preprocess.py' '" + (dir_ / "ref").string() +
                      "'";
    for (const auto& e : fs::directory_iterator(dir_)) {
      if (e.is_regular_file()) cmd += " '" + e.path().string() + "'";
    }
    cmd += " 2>&1";
    status_ = std::system(cmd.c_str());
  }
  static fs::path dir_;
  static int status_;
};
fs::path PreprocessVsTorchvision::dir_;
int PreprocessVsTorchvision::status_ = -1;

TEST_F(PreprocessVsTorchvision, EveryImageMatchesToFloatRounding) {
  ASSERT_EQ(status_, 0) << "the torchvision reference failed: /usr/bin/python3 needs Debian's "
                           "python3-torchvision and python3-pil (scripts/setup.sh --test)";
  int compared = 0;
  for (const auto& e : fs::directory_iterator(dir_)) {
    if (!e.is_regular_file()) continue;
    const auto bytes = read_file(e.path());
    const RgbImage img = decode_image(bytes.data(), bytes.size(), e.path().string());
    std::vector<float> ours(kFloats);
    preprocess_into(img, ours.data());
    const auto ref_bytes = read_file(dir_ / "ref" / (e.path().filename().string() + ".bin"));
    ASSERT_EQ(ref_bytes.size(), kFloats * sizeof(float)) << e.path();
    const float* ref = reinterpret_cast<const float*>(ref_bytes.data());
    double max_diff = 0, sum_diff = 0;
    for (std::size_t i = 0; i < kFloats; ++i) {
      const double d = std::fabs(static_cast<double>(ours[i]) - ref[i]);
      max_diff = std::max(max_diff, d);
      sum_diff += d;
    }
    EXPECT_LE(max_diff, 1e-6) << e.path().filename() << " mean diff " << sum_diff / kFloats;
    ++compared;
  }
  EXPECT_EQ(compared, 9);
}

TEST(ResizedSize, ShorterSideBecomes256) {
  EXPECT_EQ(resized_size(500, 375), std::make_pair(341, 256));
  EXPECT_EQ(resized_size(375, 500), std::make_pair(256, 341));
  EXPECT_EQ(resized_size(100, 80), std::make_pair(320, 256));
  EXPECT_EQ(resized_size(300, 300), std::make_pair(256, 256));
}

TEST(Decode, CorruptTruncatedEmptyAndForeignBytesNameTheFile) {
  const auto jpeg = encode_jpeg(pattern(64, 48, 0), 90);
  const std::vector<uint8_t> truncated(jpeg.begin(), jpeg.begin() + jpeg.size() / 2);
  std::vector<uint8_t> garbled = jpeg;
  for (std::size_t i = 3; i < 40; ++i) garbled[i] = 0x00;
  const std::vector<uint8_t> text = {'h', 'e', 'l', 'l', 'o'};
  for (const auto& bytes : {truncated, garbled, std::vector<uint8_t>{}, text}) {
    try {
      decode_image(bytes.data(), bytes.size(), "cat.jpg");
      ADD_FAILURE() << "decoded " << bytes.size() << " bad bytes";
    } catch (const UsageError& e) {
      EXPECT_NE(std::string(e.what()).find("corrupt image 'cat.jpg'"), std::string::npos)
          << e.what();
    }
  }
}

TEST(Decode, JpegRoundTripKeepsSize) {
  const auto jpeg = encode_jpeg(pattern(77, 55, 9), 95);
  const RgbImage back = decode_image(jpeg.data(), jpeg.size(), "x");
  EXPECT_EQ(back.width, 77);
  EXPECT_EQ(back.height, 55);
}

class ImageFolderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("gb-images-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_F(ImageFolderTest, TakesImagesInNameOrderAndIgnoresOtherFiles) {
  write_file(dir_ / "b.JPG", encode_jpeg(pattern(40, 30, 1), 90));
  write_file(dir_ / "a.jpeg", encode_jpeg(pattern(40, 30, 2), 90));
  write_png(dir_ / "c.png", pattern(20, 20, 3), false, false);
  write_file(dir_ / "notes.txt", {'x'});
  const ImageSet set = ImageSet::from_folder(dir_.string());
  ASSERT_EQ(set.size(), 3u);
  EXPECT_EQ(fs::path(set.name(0)).filename(), "a.jpeg");
  EXPECT_EQ(fs::path(set.name(1)).filename(), "b.JPG");
  EXPECT_EQ(fs::path(set.name(2)).filename(), "c.png");
}

TEST_F(ImageFolderTest, EmptyMissingAndCorruptFoldersAreUsageErrors) {
  EXPECT_THROW(ImageSet::from_folder(dir_.string()), UsageError);
  EXPECT_THROW(ImageSet::from_folder((dir_ / "nope").string()), UsageError);
  write_file(dir_ / "bad.jpg", {0xFF, 0xD8, 0xFF, 0x00, 0x01});
  try {
    ImageSet::from_folder(dir_.string());
    ADD_FAILURE() << "accepted a corrupt image";
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("bad.jpg"), std::string::npos) << e.what();
  }
}

TEST(BuiltinImages, DeterministicAndPhotoSized) {
  const ImageSet a = ImageSet::builtin(), b = ImageSet::builtin();
  ASSERT_EQ(a.size(), 3u);
  const int sizes[3][2] = {{500, 375}, {500, 333}, {375, 500}};
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(a.bytes(i), b.bytes(i));
    const RgbImage img = decode_image(a.bytes(i).data(), a.bytes(i).size(), a.name(i));
    EXPECT_EQ(img.width, sizes[i][0]);
    EXPECT_EQ(img.height, sizes[i][1]);
  }
}

}  // namespace
}  // namespace gb
