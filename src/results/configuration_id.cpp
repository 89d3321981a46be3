// Configuration ids (declared in results/experiment_file.h): what identifies a configuration is
// its canonical settings, never its place in a grid (docs/results.md).
#include <fmt/format.h>

#include "results/experiment_file.h"

namespace gb {

uint64_t fnv1a(const std::string& text) {
  uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}

namespace {

// Appends `name=value;` with the value escaped, so no value can end a field early or forge one.
void add_field(std::string& key, const char* name, const std::string& value) {
  key += name;
  key += '=';
  for (char c : value) {
    if (c == '\\' || c == ';') key += '\\';
    key += c;
  }
  key += ';';
}

std::string hex_id(const std::string& key) { return fmt::format("{:016x}", fnv1a(key)); }

}  // namespace

std::string configuration_key(const RunSpec& spec, std::size_t repetition) {
  std::string key;
  add_field(key, "model", spec.model.name);
  add_field(key, "weights", spec.weights);
  add_field(key, "device", spec.device.text);
  add_field(key, "arrival", spec.arrival.name());
  add_field(key, "rate_hz", spec.arrival.needs_rate() ? fmt::format("{:.17g}", spec.rate_hz) : "");
  add_field(key, "policy", spec.policy.canonical());
  add_field(key, "requests", std::to_string(spec.requests));
  add_field(key, "warmup_batches", std::to_string(spec.warmup_batches));
  add_field(key, "warmup_batch_size", std::to_string(spec.warmup_batch_size));
  add_field(key, "seed", std::to_string(spec.seed - repetition));
  add_field(key, "images", spec.images);
  add_field(key, "meter", spec.meter);
  add_field(key, "idle_ns", std::to_string(spec.idle_duration.count()));
  add_field(key, "sample_interval_ns", std::to_string(spec.sample_interval.count()));
  static const RunSpec defaults;  // one object: temporaries make GCC 12 warn falsely
  if (spec.idle_settle != defaults.idle_settle) {
    add_field(key, "idle_settle_ns", std::to_string(spec.idle_settle.count()));
  }
  // Settings added later go here, each only when it differs from its default, so the ids of
  // what was stored before they existed stay valid.
  if (spec.threads != defaults.threads) add_field(key, "threads", std::to_string(spec.threads));
  if (spec.gpu.power_limit_mw) {
    add_field(key, "power_limit_mw", std::to_string(*spec.gpu.power_limit_mw));
  }
  if (spec.gpu.clocks_mhz) add_field(key, "gpu_clocks_mhz", std::to_string(*spec.gpu.clocks_mhz));
  return key;
}

std::string configuration_group_id(const RunSpec& spec, std::size_t repetition) {
  return hex_id(configuration_key(spec, repetition));
}

std::string configuration_id(const RunSpec& spec, std::size_t repetition) {
  std::string key = configuration_key(spec, repetition);
  add_field(key, "repetition", std::to_string(repetition));
  return hex_id(key);
}

}  // namespace gb
