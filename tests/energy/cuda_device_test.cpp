// Which GPU the meter reads for --device cuda:N: the fake CUDA driver (tests/energy/fake_cuda.cpp,
// named by GB_LIBCUDA, which every test here sets, so a real driver is never asked) says which
// physical GPU each CUDA device is, and the fake NVML (on LD_LIBRARY_PATH) numbers the same GPUs
// in the opposite order.
#include "energy/cuda_device.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "common/device.h"
#include "energy/meters.h"
#include "results/run_spec.h"

namespace gb {
namespace {

// Two GPUs that CUDA and NVML number in opposite orders (CUDA puts the faster, later-on-the-bus
// one first): CUDA device 0 is NVML's GPU 1, which draws 250 W; CUDA device 1 is NVML's GPU 0
// (100 W).
constexpr char kNvmlTwoGpus[] =
    "gpus=2;powers=100,250;uuids=GPU-3b3b3b3b-0000-0000-0000-000000000000,"
    "GPU-afafafaf-0000-0000-0000-000000000000;bus_ids=00000000:3B:00.0,00000000:AF:00.0";
constexpr char kCudaFastestFirst[] =
    "bus_ids=0000:3b:00.0,0000:af:00.0;uuids=3b3b3b3b000000000000000000000000,"
    "afafafaf-0000-0000-0000-000000000000;order=1,0";

void use_fake_cuda(const std::string& script) {
  setenv(kCudaLibraryEnv, GB_FAKE_CUDA_LIB, 1);
  setenv("GB_FAKE_CUDA", script.c_str(), 1);
  setenv("GB_FAKE_NVML", kNvmlTwoGpus, 1);
}

SessionSpec nvml_session(const char* device) {
  SessionSpec spec;
  spec.meter = "nvml";
  spec.device = Device::parse(device);
  return spec;
}

TEST(CudaDevice, OrdinalIsResolvedToItsGpusPciBusIdAndUuid) {
  use_fake_cuda(kCudaFastestFirst);
  std::string why;
  const auto id = identify_cuda_device(0, &why);
  ASSERT_TRUE(id) << why;
  EXPECT_EQ(id->pci_bus_id, "00000000:AF:00.0");  // NVML's spelling of CUDA's 0000:af:00.0
  EXPECT_EQ(id->uuid, "GPU-afafafaf-0000-0000-0000-000000000000");
  EXPECT_EQ(id->library, GB_FAKE_CUDA_LIB);
  EXPECT_EQ(id->compute_major, 7);  // the fake's Turing: what decides whether bf16 is native
  EXPECT_EQ(id->compute_minor, 5);
  EXPECT_FALSE(identify_cuda_device(2, &why));
  EXPECT_NE(why.find("CUDA has no device 2 (this process sees 2): invalid device ordinal"),
            std::string::npos)
      << why;
  EXPECT_EQ(nvml_pci_bus_id("0000:3B:00.0"), "00000000:3B:00.0");
  EXPECT_EQ(nvml_pci_bus_id("10000:01:1f.7"), "00010000:01:1F.7");
  EXPECT_EQ(nvml_pci_bus_id("3B:00.0"), "");
  EXPECT_EQ(nvml_pci_bus_id("0000:3B:00.0 "), "");
  const unsigned char bytes[16] = {0x8f, 0x6a, 0x01, 0x02, 0xab, 0xcd, 0xef, 0x00,
                                   0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88};
  EXPECT_EQ(format_cuda_uuid(bytes), "GPU-8f6a0102-abcd-ef00-1122-334455667788");
}

TEST(CudaDevice, SessionMetersReadTheGpuTheCudaDeviceIs) {
  use_fake_cuda(kCudaFastestFirst);
  auto meters = open_meters(meter_options(nvml_session("cuda:0")));
  ASSERT_EQ(meters.size(), 1u);
  EXPECT_EQ(meters[0]->domain(), "gpu1");
  EXPECT_DOUBLE_EQ(meters[0]->sample_power_w(), 250.0);
  EXPECT_NE(meters[0]->description().find(
                "GPU chosen by PCI bus id 00000000:AF:00.0: cuda:0 as this process's CUDA driver "
                "numbers it (GPU-afafafaf-0000-0000-0000-000000000000)"),
            std::string::npos)
      << meters[0]->description();
  meters = open_meters(meter_options(nvml_session("cuda:1")));
  EXPECT_EQ(meters[0]->domain(), "gpu0");
  EXPECT_DOUBLE_EQ(meters[0]->sample_power_w(), 100.0);
  EXPECT_NE(meters[0]->description().find("GPU chosen by PCI bus id 00000000:3B:00.0: cuda:1"),
            std::string::npos)
      << meters[0]->description();
  // --gpu-index is NVML's index, taken as given.
  SessionSpec spec = nvml_session("cuda:0");
  spec.gpu_index = 0;
  meters = open_meters(meter_options(spec));
  EXPECT_EQ(meters[0]->domain(), "gpu0");
  EXPECT_NE(meters[0]->description().find("GPU chosen by NVML index 0 (--gpu-index)"),
            std::string::npos)
      << meters[0]->description();
}

TEST(CudaDevice, WithoutACudaDriverTheIndexChoosesAndTheDescriptionSaysSo) {
  use_fake_cuda(kCudaFastestFirst);
  setenv(kCudaLibraryEnv, "/nonexistent/libcuda.so.1", 1);
  const MeterOptions o = meter_options(nvml_session("cuda:1"));
  EXPECT_FALSE(o.gpu_id);
  auto meters = open_meters(o);
  EXPECT_EQ(meters[0]->domain(), "gpu1");
  EXPECT_NE(meters[0]->description().find(
                "GPU chosen by NVML index 1, cuda:1's number, which is CUDA's GPU only by luck on "
                "a machine with several GPUs (no CUDA driver: /nonexistent/libcuda.so.1 cannot "
                "be loaded)"),
            std::string::npos)
      << meters[0]->description();
  // A driver that sees no device, and a model on the CPU (a meter-only run): the index as well.
  use_fake_cuda("init=fail");
  meters = open_meters(meter_options(nvml_session("cuda:0")));
  EXPECT_EQ(meters[0]->domain(), "gpu0");
  EXPECT_NE(meters[0]->description().find(
                "(cuInit failed: no CUDA-capable device is detected (CUDA error 100))"),
            std::string::npos)
      << meters[0]->description();
  meters = open_meters(meter_options(nvml_session("cpu")));
  EXPECT_EQ(meters[0]->domain(), "gpu0");
  EXPECT_NE(meters[0]->description().find("GPU chosen by NVML index 0 (the model runs on the CPU"),
            std::string::npos)
      << meters[0]->description();
}

}  // namespace
}  // namespace gb
