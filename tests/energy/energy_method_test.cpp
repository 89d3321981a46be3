// Energy methods as values: the labels written in results, parsed back, and the typed queries of
// an account, which decide what is shown as a measurement.
#include "energy/energy_method.h"

#include <gtest/gtest.h>

#include "energy/rapl_meter.h"
#include "results/energy_account.h"

namespace gb {
namespace {

constexpr EnergyMethod kAll[] = {EnergyMethod::kNvmlEnergy, EnergyMethod::kNvmlPower,
                                 EnergyMethod::kRapl, EnergyMethod::kEstimate};

TEST(EnergyMethod, LabelsParseBackExactly) {
  for (EnergyMethod m : kAll) EXPECT_EQ(parse_energy_method(method_label(m)), m);
  EXPECT_EQ(parse_energy_method("estimate+rapl"), std::nullopt);  // a list, not one method
  EXPECT_EQ(parse_energy_method("Estimate"), std::nullopt);
  EXPECT_EQ(parse_energy_method("estimate-v2"), std::nullopt);
  EXPECT_EQ(parse_energy_method(""), std::nullopt);
}

TEST(EnergyMethod, OnlyTheEstimateIsNotAMeasurement) {
  for (EnergyMethod m : kAll) EXPECT_EQ(is_measurement(m), m != EnergyMethod::kEstimate);
}

TEST(EnergyMethod, ListsOfAnAccountAndOfAReportParseAlike) {
  const EnergyMethods account = parse_energy_methods("estimate+rapl");
  EXPECT_EQ(account.known,
            (std::vector<EnergyMethod>{EnergyMethod::kEstimate, EnergyMethod::kRapl}));
  EXPECT_TRUE(account.unknown.empty());
  EXPECT_TRUE(account.has_estimate());
  EXPECT_EQ(parse_energy_methods("estimate, rapl"), account);

  const EnergyMethods measured = parse_energy_methods("nvml-energy+rapl, rapl");
  EXPECT_EQ(measured.known,
            (std::vector<EnergyMethod>{EnergyMethod::kNvmlEnergy, EnergyMethod::kRapl}));
  EXPECT_FALSE(measured.has_estimate());

  const EnergyMethods none = parse_energy_methods("none");  // an account without meters
  EXPECT_TRUE(none.known.empty());
  EXPECT_TRUE(none.unknown.empty());
  EXPECT_FALSE(none.has_estimate());
}

TEST(EnergyMethod, UnknownPartsAreKeptAsWrittenAndNeverCountAsMeasured) {
  const EnergyMethods m = parse_energy_methods("rapl+ joulescope ,rapl");
  EXPECT_EQ(m.known, (std::vector<EnergyMethod>{EnergyMethod::kRapl}));
  EXPECT_EQ(m.unknown, (std::vector<std::string>{"joulescope"}));
  EXPECT_TRUE(m.has_estimate());
  EXPECT_EQ(parse_energy_methods("").unknown, (std::vector<std::string>{""}));
  EXPECT_EQ(parse_energy_methods("rapl+").unknown, (std::vector<std::string>{""}));
}

TEST(EnergyMethod, MergeKeepsFirstSeenOrderEachOnce) {
  EnergyMethods a = parse_energy_methods("rapl+mystery");
  a.merge(parse_energy_methods("estimate+rapl, mystery"));
  EXPECT_EQ(a.known, (std::vector<EnergyMethod>{EnergyMethod::kRapl, EnergyMethod::kEstimate}));
  EXPECT_EQ(a.unknown, (std::vector<std::string>{"mystery"}));
}

TEST(EnergyMethod, AnAccountAnswersTypedQueries) {
  EnergyAccount a;
  EXPECT_EQ(a.method(), "none");
  EXPECT_TRUE(a.methods().empty());
  EXPECT_FALSE(a.has_estimate());

  a.domains = {{"gpu0", EnergyMethod::kNvmlEnergy, 10, std::nullopt, ""},
               {"package-0", EnergyMethod::kRapl, 5, std::nullopt, ""},
               {"dram", EnergyMethod::kRapl, 1, std::nullopt, ""}};
  EXPECT_EQ(a.method(), "nvml-energy+rapl");
  EXPECT_EQ(a.methods(),
            (std::vector<EnergyMethod>{EnergyMethod::kNvmlEnergy, EnergyMethod::kRapl}));
  EXPECT_FALSE(a.has_estimate());

  a.domains.push_back({"cpu", EnergyMethod::kEstimate, 2, std::nullopt, ""});
  EXPECT_EQ(a.method(), "nvml-energy+rapl+estimate");
  EXPECT_TRUE(a.has_estimate());
}

// The platform (RAPL psys) contains the package and DRAM: it is listed with its own figure and
// left out of every total, so nothing is counted twice.
TEST(EnergyAccount, ThePlatformDomainIsNeverAddedToTheOthers) {
  EnergyAccount a;
  a.seconds = 2;
  a.domains.push_back({"gpu0", EnergyMethod::kNvmlEnergy, 300, 50.0, ""});
  a.domains.push_back({"package-0", EnergyMethod::kRapl, 40, 10.0, ""});
  a.domains.push_back({"dram", EnergyMethod::kRapl, 6, 2.0, ""});
  a.domains.push_back({std::string(kPlatformDomain), EnergyMethod::kRapl, 70, 20.0, ""});
  EXPECT_DOUBLE_EQ(a.gross_j(), 346.0);
  EXPECT_DOUBLE_EQ(*a.idle_power_w(), 62.0);
  EXPECT_DOUBLE_EQ(*a.idle_j(), 124.0);
  EXPECT_DOUBLE_EQ(*a.dynamic_j(), 222.0);
  EXPECT_EQ(a.method(), "nvml-energy+rapl");
}

}  // namespace
}  // namespace gb
