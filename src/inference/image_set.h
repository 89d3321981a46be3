// ImageSet: the encoded images that requests cycle through, in order (request i uses image
// i mod size()), held in memory so that per-request work is decoding, as in the paper.
//
// from_folder() takes every *.jpg, *.jpeg and *.png (any case), sorted by file name, and decodes
// each once at load: a corrupt file is a UsageError at start-up, never a failure mid-run, and so
// is a file over kMaxImageFileBytes or an image over kMaxImagePixels (inference/image.h).
// builtin() is three photo-sized images (500x375, 500x333, 375x500) that greenbatch synthesises
// deterministically and encodes as JPEG (quality 90) in memory: nothing is downloaded or shipped.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace gb {

// The largest image file from_folder() reads: every file is held in memory for the run.
inline constexpr std::uintmax_t kMaxImageFileBytes = 64ULL << 20;  // 64 MiB

class ImageSet {
 public:
  static ImageSet from_folder(const std::string& dir);
  static ImageSet builtin();

  std::size_t size() const { return bytes_.size(); }
  const std::vector<uint8_t>& bytes(std::size_t i) const { return bytes_[i]; }
  const std::string& name(std::size_t i) const { return names_[i]; }
  // The folder's path, or "builtin (3 synthetic JPEGs)".
  const std::string& source() const { return source_; }

 private:
  std::vector<std::vector<uint8_t>> bytes_;
  std::vector<std::string> names_;
  std::string source_;
};

// Writes the built-in images as JPEG files into `dir` (for tests and for users who want to see
// them).
void write_builtin_images(const std::string& dir);

}  // namespace gb
