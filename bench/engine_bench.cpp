// One side of bench/engine_bench.py: a built-in model loaded once per engine (eager and
// optimized, models/classifier.h's prepare_classifier), timed on demand, so that a coordinator
// can interleave its windows with Python's, window by window.
//
// Protocol: reads commands from stdin, one per line, "ENGINE BATCH SECONDS" (ENGINE eager or
// optimized); runs that engine on a fixed random input [BATCH,3,224,224] for at least SECONDS and
// at least one call, after two untimed calls the first time an engine meets a batch size, and
// prints "ENGINE,BATCH,images_per_s". "check BATCH 0" prints "check,BATCH,max|optimized -
// eager| / max|eager|". Prints "ready" once both are prepared.
//
// Usage: engine_bench MODEL THREADS [PRECISION]
#include <ATen/Parallel.h>
#include <torch/torch.h>

#include <cstdio>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <string>

#include "models/classifier.h"
#include "timed_window.h"

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: engine_bench MODEL THREADS [PRECISION]\n");
    return 2;
  }
  const std::string name = argv[1];
  at::set_num_threads(std::stoi(argv[2]));
  const gb::Precision precision = gb::parse_precision(argc > 3 ? argv[3] : "fp32");
  std::map<std::string, std::unique_ptr<gb::Classifier>> engines;
  std::set<std::pair<std::string, int64_t>> warm;  // (engine, batch) met before
  for (gb::Engine e : {gb::Engine::kEager, gb::Engine::kOptimized}) {
    engines[std::string(gb::engine_label(e))] =
        gb::prepare_classifier(gb::make_classifier(name, 0), e, precision);
  }
  c10::InferenceMode guard;
  std::printf("ready\n");
  std::fflush(stdout);
  for (std::string line; std::getline(std::cin, line);) {
    std::istringstream in(line);
    std::string engine;
    int64_t batch = 1;
    double seconds = 1;
    in >> engine >> batch >> seconds;
    torch::manual_seed(1);
    const torch::Tensor x = torch::randn({batch, 3, 224, 224});
    if (engine == "check") {
      const torch::Tensor a = engines["eager"]->forward(x), b = engines["optimized"]->forward(x);
      std::printf("check,%lld,%.3g\n", static_cast<long long>(batch),
                  (b - a).abs().max().item<double>() / a.abs().max().item<double>());
    } else if (engines.count(engine)) {
      gb::Classifier& model = *engines[engine];
      if (warm.insert({engine, batch}).second) gb::bench::timed_window(model, x, 0, 2);
      std::printf("%s,%lld,%.3f\n", engine.c_str(), static_cast<long long>(batch),
                  gb::bench::timed_window(model, x, seconds, 1) * static_cast<double>(batch));
    } else {
      std::printf("error,unknown engine %s\n", engine.c_str());
    }
    std::fflush(stdout);
  }
  return 0;
}
