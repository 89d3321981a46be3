// The script a fake driver library (fake_nvml.cpp, fake_cuda.cpp) reads from its environment
// variable: "key=value;key=value", lists comma-separated. Header-only: each fake is a shared
// library of its own, loaded by the code under test in place of the vendor's.
#pragma once

#include <cstdlib>
#include <string>
#include <vector>

namespace gb::testing {

inline std::vector<std::string> split_list(const std::string& s) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (pos < s.size()) {
    std::size_t end = s.find(',', pos);
    if (end == std::string::npos) end = s.size();
    out.push_back(s.substr(pos, end - pos));
    pos = end + 1;
  }
  return out;
}

// Calls set(key, value) for each "key=value" of the variable `env`, in order; items without '='
// are skipped, and an unset variable is an empty script.
template <typename Set>
void read_fake_script(const char* env, Set set) {
  const char* value = std::getenv(env);
  const std::string text = value ? value : "";
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find(';', pos);
    if (end == std::string::npos) end = text.size();
    const std::string item = text.substr(pos, end - pos);
    pos = end + 1;
    const std::size_t eq = item.find('=');
    if (eq != std::string::npos) set(item.substr(0, eq), item.substr(eq + 1));
  }
}

}  // namespace gb::testing
