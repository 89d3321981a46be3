#include "common/device.h"

#include "common/errors.h"
#include "common/parse.h"

namespace gb {

Device Device::parse(std::string_view text) {
  const std::string t(text);
  if (t == "cpu") return {};
  if (t == "cuda") return {Kind::kCuda, 0, t};
  if (t.rfind("cuda:", 0) == 0) {
    int64_t index = -1;
    try {
      index = parse_int(t.substr(5), "CUDA index");
    } catch (const UsageError&) {
    }
    // More GPUs than any machine has: a typo, not a device.
    if (index < 0 || index >= 1024) throw UsageError("device '" + t + "': bad CUDA index");
    return {Kind::kCuda, static_cast<int>(index), t};
  }
  throw UsageError("unknown device '" + t + "' (known: cpu, cuda, cuda:N)");
}

}  // namespace gb
