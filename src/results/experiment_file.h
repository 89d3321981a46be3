// An experiment file (TOML) and the configurations it declares.
//
//   [experiment]  name, requests, warmup_batches, warmup_batch_size, repetitions, seed, device,
//                 meter, idle_seconds, sample_interval, images, shuffle, peak_threshold_w,
//                 idle_settle_seconds, min_valid_requests, min_valid_seconds, cooldown, target
//   [grid]        models, rates, arrival, policies      (each a non-empty list)
//                 engines, precisions, threads, power_limits, gpu_clocks   (levers: optional
//                 lists; a GPU setting is "200W", "1410MHz" or "default")
// Each lever (results/levers.h) takes one value in [experiment] under its name, or a list in
// [grid], not both.
//
// The sweep is grid product x repetitions. A configuration is identified by its content, not by
// where it sits in the grid: its `id` is a hash of its canonical settings (configuration_key()), so
// a grid can grow without renumbering what is stored. Stores, resume, shards and merge key by the
// id; the repetitions of one configuration share a `group_id` (the same hash without the
// repetition), by which aggregation pools them. The `index`, the position in the canonical order
// (models, then the levers' values, then arrivals, then rates, then policies, then repetitions;
// never shuffled), orders displays and names runs ("config-INDEX") only. docs/results.md has the
// rationale. Unknown keys, wrong types and empty lists are UsageErrors naming the key and its line.
#pragma once

#include <cstdint>
#include <map>
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
  Nanos cooldown{0};  // the campaign's pause between runs (campaign.h); not part of any run's id
  std::vector<std::string> models;
  std::vector<double> rates;
  std::vector<std::string> arrivals;
  std::vector<std::string> policies;
  // The levers a [grid] list sweeps (results/levers.h), by name: their values as given, checked;
  // a lever absent here has `base`'s value in every configuration.
  std::map<std::string, std::vector<std::string>> lever_grid;
};

struct Configuration {
  std::size_t index = 0;       // canonical position: display and order only, never identity
  std::size_t repetition = 0;  // 0-based
  RunSpec spec;                // spec.seed is the experiment's seed + repetition
  // `{}`: brace-initialising the fields above ({index, repetition, spec}) stays warning-free.
  std::string id{};        // configuration_id(spec, repetition)
  std::string group_id{};  // configuration_group_id(spec, repetition): shared by repetitions
};

// The canonical text of what defines a run, one `name=value;` per setting (values escaped: `\`
// and `;` are preceded by `\`), in this order:
//   model weights device arrival rate_hz policy requests warmup_batches warmup_batch_size seed
//   images meter idle_ns sample_interval_ns
// rate_hz is printed with %.17g, and empty for arrivals that take no rate (offline, trace), which
// ignore it; policy is canonical_policy(); seed is the experiment's seed, without the repetition's
// offset; durations are integer nanoseconds. Not in it: what does not change the measurement
// (peak_threshold_w and min_valid_*, which only label results afterwards; gpu_index and
// powercap_root, which pick a meter's source; the cooldown, which paces the campaign) and files
// named on the command line (the profile of slo/offline policies).
// Settings added later, each appended only when it differs from its default (the levers of
// results/levers.h in their order: engine=optimized;, threads=8;, power_limit=200W;), so every
// configuration that leaves them at their default keeps its id. `repetition` only takes its offset
// off spec.seed; the key is the same for every repetition.
std::string configuration_key(const RunSpec& spec, std::size_t repetition);
// 16 lowercase hex digits: FNV-1a 64 of configuration_key() + "repetition=R;".
std::string configuration_id(const RunSpec& spec, std::size_t repetition);
// 16 lowercase hex digits: FNV-1a 64 of configuration_key(), the same for every repetition.
std::string configuration_group_id(const RunSpec& spec, std::size_t repetition);

ExperimentFile parse_experiment(const std::string& text, const std::string& origin_name);
ExperimentFile load_experiment(const std::string& path);

// The keys each section accepts (anything else is refused): docs/experiments.md documents each,
// which a test checks.
struct ExperimentKeys {
  std::vector<std::string> experiment, grid;
};
const ExperimentKeys& experiment_keys();

// A grid's model name as its target serves it: a name an http:// server gives its model
// (served_model), else what this machine loads (classify_model).
ModelRef model_for_target(const std::string& name, const std::string& target);

// Every configuration in run order: models outer, then each combination of the swept levers'
// values (levers() order, the first outermost), so that each model and combination is loaded
// once; within those the canonical order (arrivals, rates, policies, repetitions), or a seeded
// shuffle when `shuffle = true` (guards against drift).
std::vector<Configuration> expand(const ExperimentFile& experiment);

// Shard i of n (0 <= i < n): the configurations whose id, read as a 64-bit number, is congruent to
// i mod n. Shards stay fixed when the grid grows; their sizes are balanced only statistically.
// `all` comes from expand() (every configuration has its id).
std::vector<Configuration> shard(const std::vector<Configuration>& all, std::size_t i,
                                 std::size_t n);

// A run of consecutive configurations that share one session (SessionSpec::same_session: the
// same model, device, images, meters and warm-up), [begin, end) of the list it was cut from, and
// the largest batch any of their policies forms: what one session (model loaded and warmed up
// once) serves.
struct SessionGroup {
  std::size_t begin = 0, end = 0;
  std::size_t max_batch = 1;
};
std::vector<SessionGroup> group_by_session(const std::vector<Configuration>& configs);

uint64_t fnv1a(const std::string& text);

}  // namespace gb
