#include "inference/preprocess.h"

#include <algorithm>
#include <cfenv>
#include <cmath>
#include <map>
#include <memory>
#include <mutex>

namespace gb {
namespace {

constexpr int kPrecisionBits = 32 - 8 - 2;  // PIL's fixed-point precision for 8-bit images

// Weights of one output sample: input samples [first, first + weights.size()).
struct Taps {
  int first = 0;
  std::vector<int32_t> weights;
};

double triangle(double x) {
  x = std::fabs(x);
  return x < 1.0 ? 1.0 - x : 0.0;
}

// PIL's coefficient computation for resampling `in` samples to `out` with the bilinear filter.
std::vector<Taps> compute_taps(int in, int out) {
  const double scale = static_cast<double>(in) / out;
  const double filterscale = std::max(scale, 1.0);
  const double support = 1.0 * filterscale;
  std::vector<Taps> taps(static_cast<std::size_t>(out));
  std::vector<double> k;
  for (int xx = 0; xx < out; ++xx) {
    const double center = (xx + 0.5) * scale;
    int xmin = static_cast<int>(center - support + 0.5);
    if (xmin < 0) xmin = 0;
    int xmax = static_cast<int>(center + support + 0.5);
    if (xmax > in) xmax = in;
    xmax -= xmin;
    k.assign(static_cast<std::size_t>(xmax), 0.0);
    double total = 0;
    for (int x = 0; x < xmax; ++x) {
      k[x] = triangle((x + xmin - center + 0.5) / filterscale);
      total += k[x];
    }
    Taps& t = taps[xx];
    t.first = xmin;
    t.weights.resize(static_cast<std::size_t>(xmax));
    for (int x = 0; x < xmax; ++x) {
      const double w = total != 0 ? k[x] / total : k[x];
      const double scaled = w * (1 << kPrecisionBits);
      t.weights[x] = static_cast<int32_t>(w < 0 ? -0.5 + scaled : 0.5 + scaled);
    }
  }
  return taps;
}

inline uint8_t clip8(int32_t v) {
  v >>= kPrecisionBits;
  return static_cast<uint8_t>(v < 0 ? 0 : (v > 255 ? 255 : v));
}

// Everything needed to preprocess images of one input size, computed once.
struct Plan {
  int in_w = 0, in_h = 0;
  int crop_left = 0, crop_top = 0;
  std::vector<Taps> horizontal;      // for the 224 output columns of the crop
  std::vector<Taps> vertical;        // for the 224 output rows of the crop
  int row_first = 0, row_count = 0;  // input rows the vertical pass reads
};

int crop_offset(int size) {
  // Python's round() rounds halves to even; nearbyint does too in the default rounding mode.
  return static_cast<int>(std::nearbyint((size - kCropSize) / 2.0));
}

std::shared_ptr<const Plan> make_plan(int in_w, int in_h) {
  auto plan = std::make_shared<Plan>();
  plan->in_w = in_w;
  plan->in_h = in_h;
  const auto [out_w, out_h] = resized_size(in_w, in_h);
  plan->crop_left = crop_offset(out_w);
  plan->crop_top = crop_offset(out_h);
  const auto all_h = compute_taps(in_w, out_w);
  const auto all_v = compute_taps(in_h, out_h);
  plan->horizontal.assign(all_h.begin() + plan->crop_left,
                          all_h.begin() + plan->crop_left + kCropSize);
  plan->vertical.assign(all_v.begin() + plan->crop_top, all_v.begin() + plan->crop_top + kCropSize);
  int lo = in_h, hi = 0;
  for (const Taps& t : plan->vertical) {
    lo = std::min(lo, t.first);
    hi = std::max(hi, t.first + static_cast<int>(t.weights.size()));
  }
  plan->row_first = lo;
  plan->row_count = hi - lo;
  return plan;
}

std::shared_ptr<const Plan> plan_for(int w, int h) {
  static std::mutex mutex;
  static std::map<std::pair<int, int>, std::shared_ptr<const Plan>> cache;
  std::lock_guard<std::mutex> lock(mutex);
  auto it = cache.find({w, h});
  if (it != cache.end()) return it->second;
  if (cache.size() >= 256) cache.clear();  // a folder of many sizes must not grow it unbounded
  return cache[{w, h}] = make_plan(w, h);
}

}  // namespace

std::pair<int, int> resized_size(int width, int height) {
  const int shorter = std::min(width, height), longer = std::max(width, height);
  const int new_long = static_cast<int>(static_cast<double>(kResizeShorter) * longer / shorter);
  return width <= height ? std::make_pair(kResizeShorter, new_long)
                         : std::make_pair(new_long, kResizeShorter);
}

void preprocess_into(const RgbImage& image, float* out) {
  const std::shared_ptr<const Plan> plan = plan_for(image.width, image.height);
  const Plan& p = *plan;
  // Horizontal pass over the rows the vertical pass needs, only for the cropped columns.
  thread_local std::vector<uint8_t> mid;
  mid.resize(static_cast<std::size_t>(p.row_count) * kCropSize * 3);
  const int32_t half = 1 << (kPrecisionBits - 1);
  for (int r = 0; r < p.row_count; ++r) {
    const uint8_t* row =
        image.pixels.data() + static_cast<std::size_t>(p.row_first + r) * p.in_w * 3;
    uint8_t* dst = mid.data() + static_cast<std::size_t>(r) * kCropSize * 3;
    for (int x = 0; x < kCropSize; ++x) {
      const Taps& t = p.horizontal[x];
      int32_t s0 = half, s1 = half, s2 = half;
      const uint8_t* src = row + static_cast<std::size_t>(t.first) * 3;
      for (std::size_t k = 0; k < t.weights.size(); ++k) {
        const int32_t w = t.weights[k];
        s0 += src[k * 3] * w;
        s1 += src[k * 3 + 1] * w;
        s2 += src[k * 3 + 2] * w;
      }
      dst[x * 3] = clip8(s0);
      dst[x * 3 + 1] = clip8(s1);
      dst[x * 3 + 2] = clip8(s2);
    }
  }
  // Vertical pass, then ToTensor and Normalize in float32 like torchvision.
  static const float kMean[3] = {0.485f, 0.456f, 0.406f};
  static const float kStd[3] = {0.229f, 0.224f, 0.225f};
  constexpr std::size_t kPlane = static_cast<std::size_t>(kCropSize) * kCropSize;
  for (int y = 0; y < kCropSize; ++y) {
    const Taps& t = p.vertical[y];
    for (int x = 0; x < kCropSize; ++x) {
      int32_t s[3] = {half, half, half};
      for (std::size_t k = 0; k < t.weights.size(); ++k) {
        const uint8_t* src =
            mid.data() + (static_cast<std::size_t>(t.first - p.row_first + k) * kCropSize + x) * 3;
        const int32_t w = t.weights[k];
        s[0] += src[0] * w;
        s[1] += src[1] * w;
        s[2] += src[2] * w;
      }
      for (int c = 0; c < 3; ++c) {
        const float v = static_cast<float>(clip8(s[c])) / 255.0f;
        out[c * kPlane + static_cast<std::size_t>(y) * kCropSize + x] = (v - kMean[c]) / kStd[c];
      }
    }
  }
}

}  // namespace gb
