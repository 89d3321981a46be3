// ValidationSink: what validate prints as the real energy method is the real runs' own, not the
// profile's the predictions came from.
#include "experiment/sinks.h"

#include <gtest/gtest.h>

#include "experiment/fakes.h"
#include "profile/profile_fixture.h"

namespace gb {
namespace {

using std::chrono::milliseconds;

TEST(ValidationSink, TheRealEnergyMethodIsTheRunsNotTheProfiles) {
  // By path, as attach_profiles returns them and sets each configuration's spec.profile.
  const std::map<std::string, ServiceProfile> profiles = {{"m.json", testing::linear_profile()}};
  ASSERT_EQ(profiles.at("m.json").energy_method, "rapl");
  ValidationSink sink(profiles, 1, {});
  Configuration c;
  c.spec.model = ModelRef{ModelRef::Kind::kBuiltin, "m"};
  c.spec.profile = "m.json";
  c.spec.set_arrival("constant", 10);
  c.spec.requests = 2;
  RunOutcome out;
  out.trace.scheduled = {Nanos(0), milliseconds(100)};
  out.trace.released = out.trace.scheduled;
  out.trace.batches = {{0, 1, Nanos(0), milliseconds(15)},
                       {1, 1, milliseconds(100), milliseconds(115)}};
  out.trace.end = milliseconds(115);
  DomainEnergy d;
  d.domain = "cpu";
  d.method = EnergyMethod::kEstimate;
  d.joules = 1;
  out.summary.energy.domains = {d};
  out.summary.requests = 2;
  SessionSpec base;
  base.idle_duration = Nanos(0);
  base.idle_settle = Nanos(0);
  SessionParts parts;
  parts.executor = std::make_unique<testing::FakeExecutor>(milliseconds(1));
  const ExperimentSession session(base, std::move(parts));
  sink.record(c, out, session);
  EXPECT_EQ(sink.energy_methods(), "estimate (NOT a measurement)");
}

}  // namespace
}  // namespace gb
