#include "inference/image.h"

#include <png.h>
#include <turbojpeg.h>

#include <cstring>
#include <memory>

#include "common/errors.h"

namespace gb {
namespace {

[[noreturn]] void corrupt(const std::string& name, const std::string& why) {
  throw UsageError("corrupt image '" + name + "': " + why);
}

// Refuses a size the header claims before anything that size is allocated.
void check_size(const std::string& name, std::uint64_t width, std::uint64_t height) {
  if (width * height > kMaxImagePixels) {
    throw UsageError("image '" + name + "' claims " + std::to_string(width) + "x" +
                     std::to_string(height) + " pixels, more than the limit of " +
                     std::to_string(kMaxImagePixels) + " (8192x8192)");
  }
}

// One decompressor per thread: creating a handle per request would allocate on the hot path.
tjhandle thread_decompressor() {
  struct Holder {
    tjhandle handle = tjInitDecompress();
    ~Holder() { tjDestroy(handle); }
  };
  thread_local Holder holder;
  return holder.handle;
}

RgbImage decode_jpeg(const uint8_t* data, std::size_t size, const std::string& name) {
  tjhandle tj = thread_decompressor();
  int width = 0, height = 0, subsamp = 0, colorspace = 0;
  if (tjDecompressHeader3(tj, data, static_cast<unsigned long>(size), &width, &height, &subsamp,
                          &colorspace) != 0) {
    corrupt(name, tjGetErrorStr2(tj));
  }
  if (colorspace == TJCS_CMYK || colorspace == TJCS_YCCK) corrupt(name, "CMYK JPEG not supported");
  if (width <= 0 || height <= 0) corrupt(name, "no pixels");
  check_size(name, static_cast<std::uint64_t>(width), static_cast<std::uint64_t>(height));
  RgbImage image;
  image.width = width;
  image.height = height;
  image.pixels.resize(static_cast<std::size_t>(width) * height * 3);
  // Flags 0: accurate (ISLOW) IDCT and fancy upsampling, PIL's defaults.
  if (tjDecompress2(tj, data, static_cast<unsigned long>(size), image.pixels.data(), width, 0,
                    height, TJPF_RGB, 0) != 0) {
    // A warning (e.g. trailing garbage) still yields an image, as it does in PIL; truncation does
    // not: libjpeg-turbo reports "Premature end of JPEG file" as a warning but PIL refuses it.
    if (tjGetErrorCode(tj) == TJERR_FATAL ||
        std::strstr(tjGetErrorStr2(tj), "Premature end") != nullptr) {
      corrupt(name, tjGetErrorStr2(tj));
    }
  }
  return image;
}

RgbImage decode_png(const uint8_t* data, std::size_t size, const std::string& name) {
  png_image png;
  std::memset(&png, 0, sizeof png);
  png.version = PNG_IMAGE_VERSION;
  if (!png_image_begin_read_from_memory(&png, data, size)) corrupt(name, png.message);
  try {
    check_size(name, png.width, png.height);
  } catch (...) {
    png_image_free(&png);
    throw;
  }
  // Read RGBA and drop alpha ourselves: PIL's convert("RGB") discards alpha rather than blending.
  png.format = PNG_FORMAT_RGBA;
  std::vector<uint8_t> rgba(PNG_IMAGE_SIZE(png));
  if (!png_image_finish_read(&png, nullptr, rgba.data(), 0, nullptr)) {
    const std::string why = png.message;
    png_image_free(&png);
    corrupt(name, why);
  }
  RgbImage image;
  image.width = static_cast<int>(png.width);
  image.height = static_cast<int>(png.height);
  const std::size_t n = static_cast<std::size_t>(image.width) * image.height;
  image.pixels.resize(n * 3);
  for (std::size_t i = 0; i < n; ++i) std::memcpy(&image.pixels[i * 3], &rgba[i * 4], 3);
  return image;
}

}  // namespace

RgbImage decode_image(const uint8_t* data, std::size_t size, const std::string& name) {
  if (size >= 3 && data[0] == 0xFF && data[1] == 0xD8 && data[2] == 0xFF) {
    return decode_jpeg(data, size, name);
  }
  static const uint8_t kPngMagic[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
  if (size >= 8 && std::memcmp(data, kPngMagic, 8) == 0) return decode_png(data, size, name);
  corrupt(name, size == 0 ? "empty file" : "neither JPEG nor PNG");
}

std::vector<uint8_t> encode_jpeg(const RgbImage& image, int quality) {
  tjhandle tj = tjInitCompress();
  unsigned char* out = nullptr;
  unsigned long out_size = 0;
  const int rc = tjCompress2(tj, image.pixels.data(), image.width, 0, image.height, TJPF_RGB, &out,
                             &out_size, TJSAMP_420, quality, 0);
  std::vector<uint8_t> bytes;
  if (rc == 0) bytes.assign(out, out + out_size);
  tjFree(out);
  tjDestroy(tj);
  if (rc != 0) throw RunError("JPEG encoding failed");
  return bytes;
}

}  // namespace gb
