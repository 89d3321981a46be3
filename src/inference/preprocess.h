// The paper's per-request preprocessing, identical to torchvision's PIL path:
//   Resize(256)      shorter side to 256, longer to int(256 * long / short); PIL's antialiased
//                    bilinear (separable triangle filter, support scaled by the downscale factor,
//                    22-bit fixed-point weights, uint8 between the horizontal and vertical pass)
//   CenterCrop(224)  offsets int(round((size - 224) / 2)), Python's round-half-to-even
//   ToTensor, Normalize(mean = (0.485, 0.456, 0.406), std = (0.229, 0.224, 0.225)) in float32
// Only the pixels that survive the crop are resampled. Filter weights are cached per input size.
#pragma once

#include "inference/image.h"

namespace gb {

constexpr int kResizeShorter = 256;
constexpr int kCropSize = 224;

// Writes a 3 x 224 x 224 CHW float32 tensor into `out`. Thread-safe.
void preprocess_into(const RgbImage& image, float* out);

// The size Resize(256) gives an image of width x height: {width, height}.
std::pair<int, int> resized_size(int width, int height);

}  // namespace gb
