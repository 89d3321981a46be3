// The engine and precision names, and the run-time answer to "does this CPU compute bf16?" from
// /proc/cpuinfo's flags (faked here: the CI machines differ from day to day).
#include "models/engine.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "common/errors.h"
#include "test_paths.h"
#include "usage_message.h"

namespace gb {
namespace {

namespace fs = std::filesystem;

TEST(Engine, LabelsParseBackAndTyposAreNamed) {
  for (Engine e : {Engine::kEager, Engine::kOptimized}) {
    EXPECT_EQ(parse_engine(engine_label(e)), e);
  }
  for (Precision p : {Precision::kFp32, Precision::kBf16, Precision::kFp16}) {
    EXPECT_EQ(parse_precision(precision_label(p)), p);
  }
  const std::string engine = testing::message_of([] { parse_engine("optimised", "--engine"); });
  EXPECT_NE(engine.find("--engine: 'optimised' is not one of eager, optimized"), std::string::npos)
      << engine;
  EXPECT_NE(engine.find("did you mean 'optimized'"), std::string::npos) << engine;
  const std::string precision = testing::message_of([] { parse_precision("fp8"); });
  EXPECT_NE(precision.find("'fp8' is not one of fp32, bf16, fp16"), std::string::npos) << precision;
  EXPECT_THROW(parse_precision("FP32"), UsageError);  // one spelling, as in files and results
}

class CpuPrecision : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = testing::scratch_dir("cpu-precision"); }
  void TearDown() override { fs::remove_all(dir_); }
  std::string cpuinfo(const std::string& flags) const {
    const std::string path = (dir_ / "cpuinfo").string();
    std::ofstream(path) << "processor\t: 0\nmodel name\t: Test CPU\nflags\t\t: " << flags
                        << "\n\nprocessor\t: 1\nflags\t\t: avx512_bf16\n";
    return path;
  }
  fs::path dir_;
};

TEST_F(CpuPrecision, Bf16IsNativeWithAvx512Bf16OrAmx) {
  for (const char* flags : {"fpu avx512f avx512_bf16 avx512vl", "fpu amx_bf16 amx_tile"}) {
    const PrecisionSupport s = cpu_precision_support(Precision::kBf16, cpuinfo(flags));
    EXPECT_TRUE(s.usable) << flags;
    EXPECT_TRUE(s.native) << flags;
    EXPECT_NE(s.why.find("the CPU has"), std::string::npos) << s.why;
  }
}

TEST_F(CpuPrecision, Bf16ElsewhereIsEmulatedAndSaysSo) {
  // The second processor's flags do not count: the first one's are the machine's.
  const PrecisionSupport s = cpu_precision_support(Precision::kBf16, cpuinfo("fpu avx2 avx512f"));
  EXPECT_TRUE(s.usable);
  EXPECT_FALSE(s.native);
  EXPECT_NE(s.why.find("emulated"), std::string::npos) << s.why;
  // An unreadable file is a CPU without the flags.
  EXPECT_FALSE(cpu_precision_support(Precision::kBf16, (dir_ / "absent").string()).native);
}

TEST_F(CpuPrecision, Fp16IsRefusedOnACpuAndFp32RunsEverywhere) {
  const PrecisionSupport fp16 = cpu_precision_support(Precision::kFp16, cpuinfo("avx512_fp16"));
  EXPECT_FALSE(fp16.usable);
  EXPECT_NE(fp16.why.find("needs a CUDA device"), std::string::npos) << fp16.why;
  EXPECT_EQ(fp16.why.find('\n'), std::string::npos);
  const PrecisionSupport fp32 = cpu_precision_support(Precision::kFp32, cpuinfo(""));
  EXPECT_TRUE(fp32.usable && fp32.native);
}

}  // namespace
}  // namespace gb
