#include "inference/image_set.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>

#include "common/errors.h"
#include "common/files.h"
#include "inference/image.h"

namespace gb {
namespace fs = std::filesystem;
namespace {

bool is_image_name(const fs::path& p) {
  std::string ext = p.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return ext == ".jpg" || ext == ".jpeg" || ext == ".png";
}

// A photo-like test card: smooth gradients, a few soft discs and rectangles, and fine noise, so
// the JPEG codec and the resampling filter see texture at every scale. Deterministic per seed.
RgbImage synthesize(int width, int height, uint32_t seed) {
  RgbImage img;
  img.width = width;
  img.height = height;
  img.pixels.resize(static_cast<std::size_t>(width) * height * 3);
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> u(0, 1);
  struct Disc {
    double x, y, r, c[3];
  };
  std::vector<Disc> discs(6);
  for (Disc& d : discs) {
    d = {u(rng) * width,
         u(rng) * height,
         (0.08 + 0.2 * u(rng)) * std::min(width, height),
         {u(rng) * 255, u(rng) * 255, u(rng) * 255}};
  }
  const double phase = u(rng) * 6.28;
  std::uniform_int_distribution<int> noise(-12, 12);
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      double c[3] = {255.0 * x / width, 255.0 * y / height,
                     127.5 + 127.5 * std::sin(phase + 0.05 * x + 0.03 * y)};
      for (const Disc& d : discs) {
        const double dist = std::hypot(x - d.x, y - d.y);
        const double a = std::clamp((d.r - dist) / 4.0, 0.0, 1.0);  // soft edge
        for (int k = 0; k < 3; ++k) c[k] = c[k] * (1 - a) + d.c[k] * a;
      }
      uint8_t* px = &img.pixels[(static_cast<std::size_t>(y) * width + x) * 3];
      for (int k = 0; k < 3; ++k)
        px[k] = static_cast<uint8_t>(std::clamp(c[k] + noise(rng), 0.0, 255.0));
    }
  }
  return img;
}

struct BuiltinSpec {
  const char* name;
  int width, height;
};
constexpr BuiltinSpec kBuiltins[] = {
    {"builtin-1.jpg", 500, 375}, {"builtin-2.jpg", 500, 333}, {"builtin-3.jpg", 375, 500}};

}  // namespace

ImageSet ImageSet::from_folder(const std::string& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    throw UsageError("image folder '" + dir + "' cannot be read: " +
                     (fs::exists(dir, ec) ? "not a folder" : "no such folder"));
  }
  std::vector<fs::path> files;
  fs::directory_iterator it(dir, ec);
  if (ec) throw UsageError("image folder '" + dir + "' cannot be read: " + ec.message());
  for (const auto& entry : it) {
    if (entry.is_regular_file(ec) && is_image_name(entry.path())) files.push_back(entry.path());
  }
  if (files.empty()) throw UsageError("image folder '" + dir + "' has no JPEG or PNG files");
  std::sort(files.begin(), files.end(),
            [](const fs::path& a, const fs::path& b) { return a.filename() < b.filename(); });
  ImageSet set;
  set.source_ = dir;
  for (const fs::path& f : files) {
    std::string text;
    try {
      text = read_bounded_file(f.string(), kMaxImageFileBytes);
    } catch (const UsageError& e) {
      throw UsageError(std::string("image ") + e.what());
    }
    std::vector<uint8_t> bytes(text.begin(), text.end());
    decode_image(bytes.data(), bytes.size(), f.string());  // validate now, not mid-run
    set.bytes_.push_back(std::move(bytes));
    set.names_.push_back(f.string());
  }
  return set;
}

ImageSet ImageSet::builtin() {
  // Synthesising and encoding takes ~30 ms; do it once per process.
  static const ImageSet cached = [] {
    ImageSet set;
    set.source_ = "builtin (3 synthetic JPEGs)";
    uint32_t seed = 2023;
    for (const BuiltinSpec& b : kBuiltins) {
      set.bytes_.push_back(encode_jpeg(synthesize(b.width, b.height, seed++), 90));
      set.names_.push_back(b.name);
    }
    return set;
  }();
  return cached;
}

void write_builtin_images(const std::string& dir) {
  fs::create_directories(dir);
  const ImageSet set = ImageSet::builtin();
  for (std::size_t i = 0; i < set.size(); ++i) {
    std::ofstream out(fs::path(dir) / set.name(i), std::ios::binary);
    out.write(reinterpret_cast<const char*>(set.bytes(i).data()),
              static_cast<std::streamsize>(set.bytes(i).size()));
    if (!out) throw RunError("cannot write built-in image into '" + dir + "'");
  }
}

}  // namespace gb
