// Images whose headers claim more pixels than kMaxImagePixels are refused before decoding: a tiny
// file claiming 40000x40000 must neither allocate its pixels nor reach the decoder.
#include <gtest/gtest.h>
#include <png.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "common/errors.h"
#include "inference/image.h"
#include "inference/image_set.h"
#include "test_paths.h"

namespace gb {
namespace {

RgbImage grey(int w, int h) {
  RgbImage img;
  img.width = w;
  img.height = h;
  img.pixels.assign(static_cast<std::size_t>(w) * h * 3, 128);
  return img;
}

void put_be16(std::vector<uint8_t>& b, std::size_t at, uint32_t v) {
  b[at] = static_cast<uint8_t>(v >> 8);
  b[at + 1] = static_cast<uint8_t>(v);
}

void put_be32(std::vector<uint8_t>& b, std::size_t at, uint32_t v) {
  for (int k = 0; k < 4; ++k) b[at + k] = static_cast<uint8_t>(v >> (24 - 8 * k));
}

// A real 16x16 JPEG whose start-of-frame then claims width x height.
std::vector<uint8_t> jpeg_claiming(uint32_t width, uint32_t height) {
  std::vector<uint8_t> b = encode_jpeg(grey(16, 16), 90);
  for (std::size_t i = 2; i + 9 < b.size(); ++i) {
    if (b[i] == 0xFF && (b[i + 1] == 0xC0 || b[i + 1] == 0xC2)) {
      // FFCx, length (2), precision (1), height (2), width (2).
      put_be16(b, i + 5, height);
      put_be16(b, i + 7, width);
      return b;
    }
  }
  ADD_FAILURE() << "no start-of-frame marker";
  return b;
}

uint32_t crc32(const uint8_t* p, std::size_t n) {
  uint32_t c = 0xFFFFFFFFu;
  for (std::size_t i = 0; i < n; ++i) {
    c ^= p[i];
    for (int k = 0; k < 8; ++k) c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1u)));
  }
  return c ^ 0xFFFFFFFFu;
}

// A real 16x16 PNG whose IHDR then claims width x height (its CRC recomputed).
std::vector<uint8_t> png_claiming(uint32_t width, uint32_t height) {
  const RgbImage img = grey(16, 16);
  png_image png;
  std::memset(&png, 0, sizeof png);
  png.version = PNG_IMAGE_VERSION;
  png.width = 16;
  png.height = 16;
  png.format = PNG_FORMAT_RGB;
  png_alloc_size_t size = 0;
  EXPECT_TRUE(png_image_write_to_memory(&png, nullptr, &size, 0, img.pixels.data(), 0, nullptr));
  std::vector<uint8_t> b(size);
  EXPECT_TRUE(png_image_write_to_memory(&png, b.data(), &size, 0, img.pixels.data(), 0, nullptr));
  b.resize(size);
  // Signature (8), IHDR length (4), "IHDR" (4) at 12, width at 16, height at 20, CRC at 29.
  EXPECT_EQ(std::memcmp(&b[12], "IHDR", 4), 0);
  put_be32(b, 16, width);
  put_be32(b, 20, height);
  put_be32(b, 29, crc32(&b[12], 17));
  return b;
}

// Decodes in a child whose address space is capped at 1 GiB: exits 0 when the decoder refuses
// with a UsageError naming the claimed size, 1 on another error (e.g. bad_alloc), 2 on success.
int decode_capped(const std::vector<uint8_t>& bytes, const std::string& claimed) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    rlimit cap{1ULL << 30, 1ULL << 30};
    ::setrlimit(RLIMIT_AS, &cap);
    try {
      decode_image(bytes.data(), bytes.size(), "huge");
      ::_exit(2);
    } catch (const UsageError& e) {
      const std::string what = e.what();
      ::_exit(what.find("'huge'") != std::string::npos && what.find(claimed) != std::string::npos
                  ? 0
                  : 3);
    } catch (...) {
      ::_exit(1);
    }
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

TEST(ImageLimits, SmallFilesDecodeAfterPatchingToASmallSize) {
  // The patching itself keeps the files valid: the same files claiming their own size decode.
  EXPECT_EQ(decode_image(jpeg_claiming(16, 16).data(), jpeg_claiming(16, 16).size(), "j").width,
            16);
  const auto png = png_claiming(16, 16);
  EXPECT_EQ(decode_image(png.data(), png.size(), "p").height, 16);
}

TEST(ImageLimits, JpegClaimingHugeSizeIsRefusedWithoutAllocating) {
  const auto bytes = jpeg_claiming(40000, 40000);
  EXPECT_LT(bytes.size(), 2000u);
  EXPECT_EQ(decode_capped(bytes, "40000x40000"), 0);
  try {
    decode_image(bytes.data(), bytes.size(), "huge.jpg");
    FAIL() << "decoded";
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("image 'huge.jpg' claims 40000x40000"), std::string::npos)
        << e.what();
  }
}

TEST(ImageLimits, PngClaimingHugeSizeIsRefusedWithoutAllocating) {
  EXPECT_EQ(decode_capped(png_claiming(20000, 20000), "20000x20000"), 0);
  EXPECT_EQ(decode_capped(png_claiming(8193, 8192), "8193x8192"), 0);
}

TEST(ImageLimits, TheLimitItselfIsNotRefusedByTheCheck) {
  // 8192x8192 passes the size check; the truncated data then fails as a corrupt image instead
  // (in a capped child: the pixel buffer, 256 MB, fits under 1 GiB).
  const auto bytes = jpeg_claiming(8192, 8192);
  const pid_t pid = ::fork();
  if (pid == 0) {
    rlimit cap{1ULL << 30, 1ULL << 30};
    ::setrlimit(RLIMIT_AS, &cap);
    try {
      decode_image(bytes.data(), bytes.size(), "edge");
      ::_exit(0);
    } catch (const UsageError& e) {
      ::_exit(std::string(e.what()).find("claims") == std::string::npos ? 0 : 1);
    } catch (...) {
      ::_exit(2);
    }
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

TEST(ImageLimits, ImageFolderRefusesAHugeImageAtLoad) {
  const auto dir = testing::scratch_dir("image-limits");
  const auto bytes = png_claiming(20000, 20000);
  std::ofstream(dir / "big.png", std::ios::binary)
      .write(reinterpret_cast<const char*>(bytes.data()),
             static_cast<std::streamsize>(bytes.size()));
  try {
    ImageSet::from_folder(dir.string());
    FAIL() << "loaded";
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("20000x20000"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("big.png"), std::string::npos) << e.what();
  }
  std::filesystem::remove_all(dir);
}

TEST(ImageLimits, ImageFolderRefusesAFileOverTheByteLimit) {
  const auto dir = testing::scratch_dir("image-bytes");
  const auto path = dir / "big.jpg";
  std::ofstream(path).put('x');
  std::filesystem::resize_file(path, kMaxImageFileBytes + 1);  // sparse: nothing is written
  try {
    ImageSet::from_folder(dir.string());
    FAIL() << "loaded";
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("larger than the limit"), std::string::npos) << e.what();
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace gb
