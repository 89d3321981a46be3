// Reference data from torchvision for the model tests: exports made by export_torchvision.py
// with Debian's /usr/bin/python3, cached under GB_BUILD_DIR/test-data/models and redone when the
// script is newer than the cache. Without python3-torchvision the export, and so the test, fails.
#pragma once

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "test_paths.h"

namespace gb::testing {

inline std::filesystem::path export_dir() {
  std::filesystem::path dir = std::filesystem::path(build_dir()) / "test-data" / "models";
  std::filesystem::create_directories(dir);
  return dir;
}

// Exports `name` from torchvision unless a current export is cached; "" on success, else why not.
inline std::string ensure_export(const std::string& name, bool state_dict = false) {
  namespace fs = std::filesystem;
  const fs::path dir = export_dir();
  const fs::path script = fs::path(source_dir()) / "tests" / "models" / "export_torchvision.py";
  const fs::path done = dir / (name + ".params");  // written last
  const bool cached = fs::exists(done) &&
                      fs::last_write_time(done) >= fs::last_write_time(script) &&
                      (!state_dict || fs::exists(dir / (name + ".state.pth")));
  if (cached) return "";
  const fs::path log = dir / (name + ".log");
  const std::string cmd = "/usr/bin/python3 '" + script.string() + "' " + name + " '" +
                          dir.string() + "'" + (state_dict ? " --state-dict" : "") + " > '" +
                          log.string() + "' 2>&1";
  if (std::system(cmd.c_str()) == 0) return "";
  std::ifstream in(log);
  const std::string output((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return "exporting " + name + " from torchvision with /usr/bin/python3 failed (it needs " +
         "Debian's python3-torchvision; scripts/setup.sh --test installs it):\n" + output;
}

inline torch::Tensor read_floats(const std::filesystem::path& p, std::vector<int64_t> shape) {
  std::ifstream in(p, std::ios::binary);
  std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  int64_t n = 1;
  for (int64_t s : shape) n *= s;
  if (static_cast<int64_t>(bytes.size()) != n * 4) {
    ADD_FAILURE() << p << " holds " << bytes.size() << " bytes, expected " << n * 4;
    return torch::zeros(shape);
  }
  return torch::from_blob(bytes.data(), shape, torch::kFloat32).clone();
}

template <typename T>
T read_value(const std::filesystem::path& p) {
  std::ifstream in(p);
  T value{};
  in >> value;
  return value;
}

// max|ours - theirs| / max|theirs|: the worst error measured against the logits' own scale, so
// that near-zero logits do not inflate it as an element-wise relative error would.
inline double relative_error(const torch::Tensor& ours, const torch::Tensor& theirs) {
  return (ours - theirs).abs().max().item<double>() / theirs.abs().max().item<double>();
}

}  // namespace gb::testing
