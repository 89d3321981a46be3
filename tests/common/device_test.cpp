#include "common/device.h"

#include <gtest/gtest.h>

#include "common/errors.h"

namespace gb {
namespace {

TEST(Device, OneRuleForCpuCudaAndCudaN) {
  EXPECT_FALSE(Device::parse("cpu").is_cuda());
  EXPECT_EQ(Device::parse("cuda").name(), "cuda:0");
  EXPECT_EQ(Device::parse("cuda:3").index, 3);
  for (const char* bad : {"", "gpu", "cuda:", "cuda:x", "cuda:-1", "cuda:1024", "cudax", "CPU"}) {
    EXPECT_THROW(Device::parse(bad), UsageError) << bad;
  }
}

}  // namespace
}  // namespace gb
