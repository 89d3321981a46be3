// The power sampler's own cost and accuracy: run it for a while at the requested interval and
// report the achieved interval (mean, p99) and the CPU it used, in % of one core. Targets
// (docs/benchmarks.md): mean within +-5 % of 10 ms, under 1 % of a core.
//
// Usage: sampler_bench [--meter nvml|estimate|rapl] [--interval 10ms] [--seconds 10]
// With --meter nvml on a machine without a GPU, put the tests' fake libnvidia-ml.so.1 first on
// LD_LIBRARY_PATH (bench/run_all.sh does): the cost measured is then the sampler's plus the fake's,
// an upper bound on the sampler's own.
#include <fmt/format.h>
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <thread>

#include "common/errors.h"
#include "common/parse.h"
#include "energy/meters.h"
#include "energy/sampler.h"

namespace {

double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_utime.tv_sec + u.ru_stime.tv_sec + (u.ru_utime.tv_usec + u.ru_stime.tv_usec) * 1e-6;
}

}  // namespace

int main(int argc, char** argv) {
  std::string meter = "nvml", interval = "10ms";
  double seconds = 10;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i], value = argv[i + 1];
    if (flag == "--meter") {
      meter = value;
    } else if (flag == "--interval") {
      interval = value;
    } else if (flag == "--seconds") {
      seconds = std::stod(value);
    } else {
      std::fprintf(stderr, "unknown option %s\n", flag.c_str());
      return 2;
    }
  }
  try {
    gb::MeterOptions o;
    o.kind = meter;
    auto meters = gb::open_meters(o);
    std::vector<gb::PowerMeter*> ptrs;
    for (auto& m : meters) ptrs.push_back(m.get());
    const gb::Nanos step = gb::parse_duration(interval);
    gb::PowerSampler sampler(ptrs, step, gb::SteadyClock::now());
    const double cpu0 = cpu_seconds();
    const auto t0 = std::chrono::steady_clock::now();
    sampler.start();
    std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
    sampler.stop();
    const double wall =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const double cpu = cpu_seconds() - cpu0;
    if (auto err = sampler.error()) throw gb::RunError(*err);
    const gb::IntervalStats st = gb::interval_stats(sampler.samples(), 0);
    const double target_ms = gb::to_millis(step);
    fmt::print(
        "meter {} ({}): {} samples in {:.1f} s; interval asked {:.2f} ms, achieved mean {:.3f} ms "
        "({:+.2f} %), p99 {:.3f} ms; CPU {:.3f} % of one core\n",
        meter, gb::method_label(meters[0]->method()), st.count, wall, target_ms, st.mean_ms,
        100.0 * (st.mean_ms - target_ms) / target_ms, st.p99_ms, 100.0 * cpu / wall);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "sampler_bench: %s\n", e.what());
    return 1;
  }
  return 0;
}
