// What the report's tests share: a configuration point with the fields no test varies, reading
// what a test wrote, and the check that a page's ids are unique and that every in-page reference
// has its target.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include "report/points.h"

namespace gb::testing {

// A configuration measured with rapl on the CPU under the paper's arrivals.
inline ConfigPoint config_point(const std::string& model, std::optional<double> rate_hz,
                                const std::string& policy, double energy_per_image_j,
                                double max_response_s, double p99_response_s) {
  ConfigPoint p;
  p.model = model;
  p.device = "cpu";
  p.arrival = "paper";
  p.rate_hz = rate_hz;
  p.policy = policy;
  p.policy_spec = policy_of_row(policy);
  p.energy_per_image_j = energy_per_image_j;
  p.max_response_s = max_response_s;
  p.p99_response_s = p99_response_s;
  p.energy_method = "rapl";
  return p;
}

inline std::string read_text(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Every path under `root` (folders too, unless `folders` is false), relative to it.
inline std::set<std::string> files_under(const std::filesystem::path& root, bool folders = true) {
  std::set<std::string> out;
  for (const auto& e : std::filesystem::recursive_directory_iterator(root)) {
    if (folders || !e.is_directory()) {
      out.insert(std::filesystem::relative(e.path(), root).string());
    }
  }
  return out;
}

// Expects every id="..." (or id='...') of `html` exactly once and every href="#...", and
// url(#...) naming one of them; returns how many references there are.
inline int expect_unique_ids_and_resolved_references(const std::string& html) {
  std::map<std::string, int> ids;
  const std::regex id_re(R"re(\bid=["']([^"']+)["'])re");
  for (auto it = std::sregex_iterator(html.begin(), html.end(), id_re);
       it != std::sregex_iterator(); ++it) {
    ++ids[(*it)[1].str()];
  }
  for (const auto& [id, n] : ids) EXPECT_EQ(n, 1) << "duplicate id " << id;
  const std::regex ref_re(R"re((?:href=["']#|url\(#)([^"')]+))re");
  int refs = 0;
  for (auto it = std::sregex_iterator(html.begin(), html.end(), ref_re);
       it != std::sregex_iterator(); ++it, ++refs) {
    EXPECT_TRUE(ids.count((*it)[1].str())) << "dangling reference #" << (*it)[1].str();
  }
  return refs;
}

}  // namespace gb::testing
