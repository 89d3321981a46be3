// An experiment file (TOML) and the configurations it declares.
//
//   [experiment]  name, requests, warmup_batches, warmup_batch_size, repetitions, seed, device,
//                 meter, idle_seconds, sample_interval, images, shuffle, peak_threshold_w
//   [grid]        models, rates, arrival, policies      (each a non-empty list)
//
// The sweep is grid product x repetitions. Every configuration has a stable index: its position in
// the canonical order (models, then arrivals, then rates, then policies, then repetitions), which
// never depends on shuffling. Shards and stores identify configurations by it.
// Unknown keys, wrong types and empty lists are UsageErrors naming the key and its line.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "results/run_spec.h"

namespace gb {

struct ExperimentFile {
  std::string name;
  std::string text;   // the file as read, stored with the results
  uint64_t hash = 0;  // FNV-1a of `text`: a changed file is a different experiment
  RunSpec base;       // every setting except the grid's
  std::size_t repetitions = 1;
  bool shuffle = false;
  std::vector<std::string> models;
  std::vector<double> rates;
  std::vector<std::string> arrivals;
  std::vector<std::string> policies;
};

struct Configuration {
  std::size_t index = 0;       // canonical position, stable across shuffles and shards
  std::size_t repetition = 0;  // 0-based
  RunSpec spec;
};

ExperimentFile parse_experiment(const std::string& text, const std::string& origin_name);
ExperimentFile load_experiment(const std::string& path);

// Every configuration in run order: models outer (each model loaded once); within a model the
// canonical order, or a seeded shuffle when `shuffle = true` (guards against drift).
std::vector<Configuration> expand(const ExperimentFile& experiment);

// Shard i of n (0 <= i < n): the configurations whose index is congruent to i mod n.
std::vector<Configuration> shard(const std::vector<Configuration>& all, std::size_t i,
                                 std::size_t n);

// A run of consecutive configurations of one model, [begin, end) of the list it was cut from, and
// the largest batch any of their policies forms: what one session (model loaded and warmed up
// once) serves.
struct ModelGroup {
  std::size_t begin = 0, end = 0;
  std::size_t max_batch = 1;
};
std::vector<ModelGroup> group_by_model(const std::vector<Configuration>& configs);

uint64_t fnv1a(const std::string& text);

}  // namespace gb
