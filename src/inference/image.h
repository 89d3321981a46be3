// Image decoding: JPEG (libjpeg-turbo) and PNG (libpng) bytes to 8-bit RGB, with the same pixels
// PIL produces for Image.open(f).convert("RGB") — ISLOW IDCT with fancy upsampling for JPEG, alpha
// dropped (not composited) for PNG — so our preprocessing can match torchvision's exactly.
// A corrupt, truncated or unsupported file throws UsageError naming the file, and so does one
// whose header claims more than kMaxImagePixels: the size is read from the header and refused
// before any pixel buffer is allocated (a 678-byte JPEG can claim 40000x40000, 4.8 GB decoded).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace gb {

// The most pixels (width x height) an image may have: 8192 x 8192, about 67 M (PIL refuses
// beyond 89.5 M). Decoding one this size takes 192 MB as RGB (256 MB as PNG's RGBA scratch).
inline constexpr std::uint64_t kMaxImagePixels = 8192ULL * 8192ULL;

struct RgbImage {
  int width = 0;
  int height = 0;
  std::vector<uint8_t> pixels;  // HWC, RGB, row-major
};

RgbImage decode_image(const uint8_t* data, std::size_t size, const std::string& name);

// JPEG encoding (used to make the built-in image set and test images).
std::vector<uint8_t> encode_jpeg(const RgbImage& image, int quality);

}  // namespace gb
