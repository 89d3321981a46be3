#include "results/levers.h"

#include "common/cpus.h"
#include "common/errors.h"
#include "common/parse.h"

namespace gb {
namespace {

bool equal(std::string_view measured, std::string_view asked) { return measured == asked; }

std::string same(std::string_view value) { return std::string(value); }

std::vector<Lever> make_levers() {
  Lever engine{"engine",
               "engines",
               "eager",
               false,
               same,
               [](const RunSpec& s) { return std::string(engine_label(s.engine)); },
               [](RunSpec& s, std::string_view text, std::string_view what) {
                 s.engine = parse_engine(text, what);
               },
               equal};
  Lever precision{"precision",
                  "precisions",
                  "fp32",
                  false,
                  same,
                  [](const RunSpec& s) { return std::string(precision_label(s.precision)); },
                  [](RunSpec& s, std::string_view text, std::string_view what) {
                    s.precision = parse_precision(text, what);
                  },
                  equal};
  Lever threads{"threads", "threads", "", true,
                [](std::string_view v) {
                  return v.empty() ? std::string("default threads")
                                   : std::string(v) + (v == "1" ? " thread" : " threads");
                },
                [](const RunSpec& s) { return s.threads > 0 ? std::to_string(s.threads) : ""; },
                [](RunSpec& s, std::string_view text, std::string_view what) {
                  s.threads = static_cast<int>(check_count(parse_int(text, std::string(what)),
                                                           std::string(what), 0, kMaxThreads));
                },
                // A configuration without a thread count takes the machine's default; a profile
                // records the count it ran with, which the simulator then reports.
                [](std::string_view measured, std::string_view asked) {
                  return asked.empty() || measured == asked;
                }};
  // The GPU's setting: applied per run by the session (RunSettings::gpu), "default" = as it is.
  Lever power_limit{"power_limit",
                    "power_limits",
                    "default",
                    false,
                    [](std::string_view v) {
                      return v == "default" ? std::string("default power limit")
                                            : std::string(v) + " limit";
                    },
                    [](const RunSpec& s) { return power_limit_text(s.gpu.power_limit_mw); },
                    [](RunSpec& s, std::string_view text, std::string_view what) {
                      s.gpu.power_limit_mw = parse_power_limit(text, what);
                    },
                    equal};
  Lever gpu_clocks{"gpu_clocks",
                   "gpu_clocks",
                   "default",
                   false,
                   [](std::string_view v) {
                     return v == "default" ? std::string("default clocks")
                                           : "clocks at " + std::string(v);
                   },
                   [](const RunSpec& s) { return gpu_clocks_text(s.gpu.clocks_mhz); },
                   [](RunSpec& s, std::string_view text, std::string_view what) {
                     s.gpu.clocks_mhz = parse_gpu_clocks(text, what);
                   },
                   equal};
  return {engine, precision, threads, power_limit, gpu_clocks};
}

}  // namespace

const std::vector<Lever>& levers() {
  static const std::vector<Lever> all = make_levers();
  return all;
}

const Lever* find_lever(std::string_view name) {
  for (const Lever& l : levers()) {
    if (l.name == name) return &l;
  }
  return nullptr;
}

std::string describe_levers(const RunSpec& spec) {
  std::map<std::string, std::string> values;
  for (const Lever& l : levers()) values[std::string(l.name)] = l.get(spec);
  return describe_levers(values);
}

std::string describe_levers(const std::map<std::string, std::string>& values,
                            std::string_view except) {
  std::string out;
  for (const Lever& l : levers()) {
    const auto it = values.find(std::string(l.name));
    if (l.name == except || it == values.end() || it->second == l.baseline) continue;
    out += (out.empty() ? "" : ", ") + std::string(l.name) + "=" + it->second;
  }
  return out;
}

std::string brief_levers(const RunSpec& spec) {
  std::string out;
  for (const Lever& l : levers()) {
    const std::string v = l.get(spec);
    if (v != l.baseline) out += (out.empty() ? "" : ", ") + l.describe(v);
  }
  return out;
}

}  // namespace gb
