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
               [](const SessionSpec& s) { return std::string(engine_label(s.engine)); },
               [](SessionSpec& s, std::string_view text, std::string_view what) {
                 s.engine = parse_engine(text, what);
               },
               equal};
  Lever precision{"precision",
                  "precisions",
                  "fp32",
                  false,
                  same,
                  [](const SessionSpec& s) { return std::string(precision_label(s.precision)); },
                  [](SessionSpec& s, std::string_view text, std::string_view what) {
                    s.precision = parse_precision(text, what);
                  },
                  equal};
  Lever threads{"threads", "threads", "", true,
                [](std::string_view v) {
                  return v.empty() ? std::string("default threads")
                                   : std::string(v) + (v == "1" ? " thread" : " threads");
                },
                [](const SessionSpec& s) { return s.threads > 0 ? std::to_string(s.threads) : ""; },
                [](SessionSpec& s, std::string_view text, std::string_view what) {
                  s.threads = static_cast<int>(check_count(parse_int(text, std::string(what)),
                                                           std::string(what), 0, kMaxThreads));
                },
                // A configuration without a thread count takes the machine's default; a profile
                // records the count it ran with, which the simulator then reports.
                [](std::string_view measured, std::string_view asked) {
                  return asked.empty() || measured == asked;
                }};
  return {engine, precision, threads};
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

std::string describe_levers(const SessionSpec& spec) {
  std::string out;
  for (const Lever& l : levers()) {
    const std::string v = l.get(spec);
    if (v != l.baseline) out += (out.empty() ? "" : ", ") + std::string(l.name) + "=" + v;
  }
  return out;
}

}  // namespace gb
