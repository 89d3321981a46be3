// preflight's memory check: a run whose requests need more memory than the limit is refused up
// front, in one line that states the limit, before anything loads or is written.
#include "experiment/preflight.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "common/errors.h"

namespace gb {
namespace {

Configuration config(std::size_t index, std::size_t requests) {
  Configuration c;
  c.index = index;
  c.spec.model = parse_model("noop");
  c.spec.requests = requests;
  return c;
}

TEST(PreflightMemory, EstimateIsBasePlusPerRequest) {
  EXPECT_EQ(run_memory_bytes(config(0, 0).spec), kRunBaseBytes);
  EXPECT_EQ(run_memory_bytes(config(0, 10'000'000).spec), kRunBaseBytes + 480'000'000u);
  // A count no machine could hold saturates instead of wrapping around to a small number.
  EXPECT_EQ(run_memory_bytes(config(0, SIZE_MAX).spec), UINT64_MAX);
}

TEST(PreflightMemory, RefusesARunOverTheLimitNamingItAndTheLimit) {
  const std::uint64_t limit = 1'000'000'000;  // 1 GB
  EXPECT_NO_THROW(check_run_memory({config(0, 8192), config(1, 10'000'000)}, limit));
  try {
    check_run_memory({config(0, 8192), config(1, 100'000'000)}, limit);
    FAIL() << "accepted";
  } catch (const UsageError& e) {
    const std::string what = e.what();
    EXPECT_EQ(what.find('\n'), std::string::npos) << what;
    EXPECT_NE(what.find("configuration 2"), std::string::npos) << what;
    EXPECT_NE(what.find("100000000 requests"), std::string::npos) << what;
    EXPECT_NE(what.find("limit of 1.0 GB"), std::string::npos) << what;
    EXPECT_NE(what.find("at most 17338080 requests fit"), std::string::npos) << what;
  }
  // A limit below the base refuses every run, and says none fit.
  try {
    check_run_memory({config(0, 1)}, 1000);
    FAIL() << "accepted";
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("at most 0 requests"), std::string::npos) << e.what();
  }
}

TEST(PreflightMemory, PreflightRefusesMoreRequestsThanThisMachineHolds) {
  const std::uint64_t memory = physical_memory_bytes();
  ASSERT_GT(memory, 0u);
  const std::size_t too_many = static_cast<std::size_t>(memory / kBytesPerRequest + 1);
  EXPECT_THROW(preflight({config(0, too_many)}), UsageError);
}

}  // namespace
}  // namespace gb
