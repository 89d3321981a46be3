// Images/s of the built-in models on this CPU, for comparison with torchvision in Python on the
// same libtorch (bench/models_bench.py runs the identical protocol; bench/models_bench.sh runs
// both, interleaved, and prints them side by side). Target: ours >= torchvision's for every model.
//
// Protocol (both sides): random weights (seeded), a fixed random input [B,3,224,224], inference
// mode, `threads` intra-op threads; per batch size, warm up for >= 3 calls and >= 1 s, then
// `repeats` timed windows of >= `seconds` (and >= 3 calls) each; report the best and the median
// window. The best window is the one least disturbed by other load on a shared machine.
//
// Usage: models_bench [--models a,b,...] [--batches 1,8] [--seconds S] [--repeats R]
//                     [--threads T]
// Prints one CSV line per (model, batch): impl,model,batch,threads,best_images_per_s,
// median_images_per_s,calls.
#include <ATen/Parallel.h>
#include <torch/torch.h>

#include <algorithm>
#include <cstdio>
#include <sstream>
#include <string>
#include <vector>

#include "models/classifier.h"
#include "timed_window.h"

namespace {

using gb::bench::timed_window;

std::vector<std::string> split(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream in(text);
  for (std::string item; std::getline(in, item, ',');) {
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> models;
  for (const gb::ModelInfo& m : gb::builtin_models()) models.push_back(m.name);
  std::vector<int64_t> batches = {1, 8};
  double seconds = 3;
  int repeats = 3;
  int threads = at::get_num_threads();
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i], value = argv[i + 1];
    if (flag == "--models") {
      models = split(value);
    } else if (flag == "--batches") {
      batches.clear();
      for (const auto& b : split(value)) batches.push_back(std::stoll(b));
    } else if (flag == "--seconds") {
      seconds = std::stod(value);
    } else if (flag == "--repeats") {
      repeats = std::stoi(value);
    } else if (flag == "--threads") {
      threads = std::stoi(value);
    } else {
      std::fprintf(stderr, "unknown option %s\n", flag.c_str());
      return 2;
    }
  }
  at::set_num_threads(threads);
  c10::InferenceMode guard;
  for (const std::string& name : models) {
    auto model = gb::make_classifier(name, 0);
    for (int64_t batch : batches) {
      torch::manual_seed(1);
      const torch::Tensor x = torch::randn({batch, 3, 224, 224});
      timed_window(*model, x, 1.0, 3);  // warm-up: allocator, oneDNN primitive caches
      std::vector<double> rates;
      int calls = 0;
      for (int r = 0; r < repeats; ++r) {
        int n = 0;
        rates.push_back(timed_window(*model, x, seconds, 3, &n) * batch);
        calls += n;
      }
      std::sort(rates.begin(), rates.end());
      std::printf("ours,%s,%lld,%d,%.3f,%.3f,%d\n", name.c_str(), static_cast<long long>(batch),
                  threads, rates.back(), rates[rates.size() / 2], calls);
      std::fflush(stdout);
    }
  }
  return 0;
}
