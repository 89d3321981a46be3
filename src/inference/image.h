// Image decoding: JPEG (libjpeg-turbo) and PNG (libpng) bytes to 8-bit RGB, with the same pixels
// PIL produces for Image.open(f).convert("RGB") — ISLOW IDCT with fancy upsampling for JPEG, alpha
// dropped (not composited) for PNG — so our preprocessing can match torchvision's exactly.
// A corrupt, truncated or unsupported file throws UsageError naming the file.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace gb {

struct RgbImage {
  int width = 0;
  int height = 0;
  std::vector<uint8_t> pixels;  // HWC, RGB, row-major
};

RgbImage decode_image(const uint8_t* data, std::size_t size, const std::string& name);

// JPEG encoding (used to make the built-in image set and test images).
std::vector<uint8_t> encode_jpeg(const RgbImage& image, int quality);

}  // namespace gb
