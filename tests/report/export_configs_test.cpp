// report/export_configs.h and deploy_texts.h: the files written for each recommendation, from
// constructed recommendations — hostile model names, bad and booby-trapped output folders, and
// the closest equivalents' simulated costs with a shipped profile.
#include "report/export_configs.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "common/errors.h"
#include "profile/profile.h"
#include "report/report_fixture.h"
#include "results/run_spec.h"
#include "sim/simulator.h"
#include "test_paths.h"

namespace gb {
namespace {

namespace fs = std::filesystem;

const std::string kAlexnetProfile =
    testing::source_dir() + "/configs/profiles/cpu-epyc-2vcpu/alexnet.json";

Recommendation recommendation(const std::string& model, const std::string& policy,
                              double rate = 32) {
  Recommendation r;
  r.model = model;
  r.device = "cpu";
  r.arrival = "paper";
  r.rate_hz = rate;
  r.rate_label = rate_label(rate);
  ConfigPoint p = testing::config_point(model, rate, policy, 0.5, 0.8, 0.7);
  p.requests = 512;
  p.seed = 1;
  p.max_queue_wait_s = 0.4;
  r.best = p;
  return r;
}

std::string read(const fs::path& p) { return testing::read_text(p); }

class ExportConfigs : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = testing::scratch_dir("export-configs"); }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST(DeployTexts, NamesFromResultsAreSanitisedAndQuoted) {
  EXPECT_EQ(sanitised_name("alexnet"), "alexnet");
  EXPECT_EQ(sanitised_name("models/tiny.pt"), "tiny");
  EXPECT_EQ(sanitised_name("../../x"), "x");
  EXPECT_EQ(sanitised_name("m\n!touch PWNED\nset output 'PWNED'\n.pt"),
            "m__touch_PWNED_set_output__PWNED__");
  EXPECT_EQ(sanitised_name(""), "m");
  EXPECT_EQ(sanitised_name("-rf"), "m-rf");
  EXPECT_EQ(sanitised_name("/"), "m");
  EXPECT_EQ(sanitised_name(std::string(300, 'a')).size(), 64u);
  EXPECT_EQ(sanitised_word("cuda:0"), "cuda_0");
  EXPECT_EQ(sanitised_word(""), "x");
  EXPECT_EQ(display("a\nb\r`c`|d"), "a?b??c??d");
  EXPECT_EQ(display(std::string(1000, 'a')), std::string(256, 'a') + "...");
  EXPECT_EQ(shell_quote("fixed:16,timeout=5ms"), "fixed:16,timeout=5ms");
  EXPECT_EQ(shell_quote("triton:max=8,preferred=2|8,delay=0s"),
            "'triton:max=8,preferred=2|8,delay=0s'");
  EXPECT_EQ(shell_quote("m`x`'y"), "'m`x`'\\''y'");
  EXPECT_EQ(shell_quote(""), "''");
}

// Every line a server reads is one of the lines the export writes itself: a hostile model name
// cannot add a field, a model or a command.
TEST(DeployTexts, AHostileModelNameCannotAddALine) {
  const std::string hostile = "m\"\nname: \"evil\"\ndynamic_batching { }\n\\\nload_models=all\n.pt";
  ExportPlan plan = plan_export({recommendation(hostile, "fixed:8,timeout=20ms")}, {"out", {}, 1});
  ASSERT_EQ(plan.workloads.size(), 1u);
  const WorkloadExport& w = plan.workloads[0];
  EXPECT_EQ(w.name, "m__name___evil__dynamic_batching_______load_models_all_");
  const std::regex pbtxt(
      R"re((#.*|name: "[A-Za-z0-9_-]+"|platform: "pytorch_libtorch"|max_batch_size: 8|(input|output|instance_group) \[|  \{|  \}|\]|    name: "(INPUT|OUTPUT)__0"|    data_type: TYPE_FP32|    dims: \[ [0-9, ]+ \]|    count: 1|    kind: KIND_CPU|dynamic_batching \{|  preferred_batch_size: \[ 8 \]|  max_queue_delay_microseconds: 20000|\}))re");
  std::istringstream t(triton_config(w));
  std::size_t names = 0;
  for (std::string line; std::getline(t, line);) {
    EXPECT_TRUE(std::regex_match(line, pbtxt)) << line;
    names += line.rfind("name: ", 0) == 0;
  }
  EXPECT_EQ(names, 1u);
  const std::regex properties(
      R"re((#.*|load_models=[A-Za-z0-9_-]+=[A-Za-z0-9_-]+\.mar|models=\{\\|  "[A-Za-z0-9_-]+": \{\\|    "1\.0": \{\\|        "[A-Za-z]+": ([0-9]+|true|"[A-Za-z0-9_-]+\.mar"),?\\|    \}\\|  \}\\|\}))re");
  std::istringstream p(torchserve_properties(w));
  for (std::string line; std::getline(p, line);) {
    EXPECT_TRUE(std::regex_match(line, properties)) << line;
  }
  // The serve line is one line, its model one quoted shell word.
  std::istringstream s(serve_command(w));
  std::vector<std::string> commands;
  for (std::string line; std::getline(s, line);) {
    if (line.rfind("#", 0) != 0) commands.push_back(line);
  }
  ASSERT_EQ(commands.size(), 1u);
  EXPECT_EQ(commands[0].rfind("greenbatch serve --model 'm\"?name: \"evil\"?", 0), 0u)
      << commands[0];
}

TEST(DeployTexts, FilesSayWhatTheServerGetsAndWhetherItIsExact) {
  ExportPlan plan = plan_export(
      {recommendation("alexnet", "triton:max=16,preferred=4|16,delay=5ms")}, {"out", {}, 1});
  const WorkloadExport& w = plan.workloads.at(0);
  const std::string pbtxt = triton_config(w);
  EXPECT_NE(pbtxt.find("max_batch_size: 16\n"), std::string::npos) << pbtxt;
  EXPECT_NE(pbtxt.find("preferred_batch_size: [ 4, 16 ]\n"), std::string::npos) << pbtxt;
  EXPECT_NE(pbtxt.find("max_queue_delay_microseconds: 5000\n"), std::string::npos) << pbtxt;
  EXPECT_NE(pbtxt.find("# Exact: the same settings."), std::string::npos) << pbtxt;
  const std::string reg = torchserve_register(w);
  EXPECT_NE(reg.find("POST /models?url=alexnet.mar&model_name=alexnet&batch_size=16&max_batch_"
                     "delay=5&initial_workers=1\n"),
            std::string::npos)
      << reg;
  const std::string readme = export_readme(plan.workloads, {});
  EXPECT_NE(readme.find("| Triton | `max_batch_size 16, preferred_batch_size [4, 16], "
                        "max_queue_delay_microseconds 5000` | "
                        "`triton:max=16,preferred=4\\|16,delay=5ms` | exact | - | - |"),
            std::string::npos)
      << readme;
  EXPECT_NE(reg.find("# Closest, not exact: TorchServe counts its delay from when the free"),
            std::string::npos)
      << reg;
  EXPECT_NE(reg.find("No simulated cost: no profile of alexnet was given"), std::string::npos)
      << reg;
  EXPECT_NE(torchserve_properties(w).find("\"maxBatchDelay\": 5,\\\n"), std::string::npos);
  EXPECT_NE(serve_command(w).find("greenbatch serve --model alexnet --policy "
                                  "'triton:max=16,preferred=4|16,delay=5ms' --device cpu --port "
                                  "8000\n"),
            std::string::npos)
      << serve_command(w);
  // slo:T is served with its profile; without one the command says how to make it.
  ExportPlan slo = plan_export({recommendation("alexnet", "slo:1s")}, {"out", {}, 1});
  const std::string line = serve_command(slo.workloads.at(0));
  EXPECT_NE(line.find("--policy slo:1s --profile PROFILE.json --device cpu"), std::string::npos)
      << line;
  EXPECT_NE(line.find("greenbatch profile --model alexnet --out PROFILE.json"), std::string::npos);
  EXPECT_NE(triton_config(slo.workloads.at(0)).find("Without a profile to search with: delay T/2"),
            std::string::npos);
}

// With the model's profile, closest equivalents carry simulated costs: a search for slo:1s (the
// cheapest setting that meets the budget), and fixed:16's delayed counterparts, which form
// fixed:16's batches and so cost what it costs in the same simulation.
TEST(ExportCosts, ClosestEquivalentsAreSimulatedWithTheProfile) {
  const ServiceProfile profile = ServiceProfile::load(kAlexnetProfile);
  RunSpec spec;
  spec.model.name = "alexnet";
  spec.set_arrival("paper", 32);
  spec.requests = 512;
  spec.seed = 1;
  spec.policy = PolicySpec::parse("fixed:16");
  const RunSummary fixed = simulate_run(spec, profile).summary;
  Recommendation r16 = recommendation("alexnet", "fixed:16");
  r16.best->max_queue_wait_s = fixed.queue_wait_s.max;
  const ExportPlan plan =
      plan_export({r16, recommendation("alexnet", "slo:1s")}, {"out", {kAlexnetProfile}, 1.0});
  ASSERT_EQ(plan.workloads.size(), 2u);
  const WorkloadExport& f = plan.workloads[0];
  ASSERT_TRUE(f.cost);
  EXPECT_NEAR(f.cost->energy_per_image_j, fixed.energy_per_image_j(), 1e-12);
  EXPECT_EQ(f.folder, "alexnet.cpu.paper.32rps");
  EXPECT_EQ(plan.workloads[1].folder, "alexnet.cpu.paper.32rps-2");
  for (const ServerExport& s : f.servers) {
    SCOPED_TRACE(server_label(s.equivalent.server));
    ASSERT_FALSE(s.equivalent.exact);
    ASSERT_TRUE(s.cost);
    // The same batches until the stream's last partial batch, which they send later.
    EXPECT_NEAR(s.cost->energy_per_image_j / f.cost->energy_per_image_j, 1, 0.01);
  }
  const WorkloadExport& slo = plan.workloads[1];
  ASSERT_TRUE(slo.cost);
  for (Server which : {Server::kTriton, Server::kTorchServe}) {
    const ServerExport& s = slo.servers[which == Server::kTriton ? 0 : 1];
    SCOPED_TRACE(server_label(which));
    ASSERT_TRUE(s.cost);
    EXPECT_TRUE(s.cost->meets_slo);
    EXPECT_NE(s.cost_note.find("Chosen in simulation"), std::string::npos) << s.cost_note;
    // The search tried its fallback among others, so it costs no more than it.
    const PolicySpec fallback = translate(which, PolicySpec::parse("slo:1s"), {1.0, {}}).policy;
    spec.policy = fallback;
    const RunSummary fb = simulate_run(spec, profile).summary;
    if (fb.response_s.max <= 1 && fb.response_s.p99 <= 1) {
      EXPECT_LE(s.cost->energy_per_image_j, fb.energy_per_image_j() + 1e-12);
    }
  }
  EXPECT_TRUE(slo.servers[2].equivalent.exact);
  EXPECT_EQ(slo.profile, kAlexnetProfile);
  EXPECT_NE(serve_command(slo).find("--profile " + kAlexnetProfile), std::string::npos);
}

TEST_F(ExportConfigs, WritesEachWorkloadsFilesInsideTheFolderOnly) {
  const fs::path out = dir_ / "a" / "deploy";
  check_export_folder(out.string());
  const ExportPlan plan = plan_export(
      {recommendation("alexnet", "greedy:128"), recommendation("../../x", "fixed:4,timeout=5ms"),
       recommendation("models/x.pt", "fixed:4,timeout=5ms")},
      {out.string(), {}, 1});
  write_export(plan);
  std::set<std::string> files;
  for (const auto& e : fs::recursive_directory_iterator(dir_)) {
    if (e.is_regular_file()) files.insert(fs::relative(e.path(), out).string());
  }
  const std::set<std::string> expected = {"README.md",
                                          "alexnet.cpu.paper.32rps/serve.txt",
                                          "alexnet.cpu.paper.32rps/torchserve/config.properties",
                                          "alexnet.cpu.paper.32rps/torchserve/register.txt",
                                          "alexnet.cpu.paper.32rps/triton/alexnet/config.pbtxt",
                                          "x.cpu.paper.32rps/serve.txt",
                                          "x.cpu.paper.32rps/torchserve/config.properties",
                                          "x.cpu.paper.32rps/torchserve/register.txt",
                                          "x.cpu.paper.32rps/triton/x/config.pbtxt",
                                          "x.cpu.paper.32rps-2/serve.txt",
                                          "x.cpu.paper.32rps-2/torchserve/config.properties",
                                          "x.cpu.paper.32rps-2/torchserve/register.txt",
                                          "x.cpu.paper.32rps-2/triton/x/config.pbtxt"};
  EXPECT_EQ(files, expected);
  const std::string readme = read(out / "README.md");
  EXPECT_NE(readme.find("## alexnet — cpu, paper arrivals at 32/s (`alexnet.cpu.paper.32rps/`)"),
            std::string::npos)
      << readme;
  EXPECT_NE(readme.find("Model in the results: `../../x`."), std::string::npos) << readme;
  EXPECT_NE(readme.find("| Triton | `max_batch_size 128, preferred_batch_size [128], "
                        "max_queue_delay_microseconds 0` | `triton:max=128,preferred=128,"
                        "delay=0s` | exact |"),
            std::string::npos)
      << readme;
  const std::vector<std::string> lines = export_summary(plan);
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[0], "alexnet 32/s: Triton exact, TorchServe closest, greenbatch serve exact -> " +
                          (out / "alexnet.cpu.paper.32rps").string() + "/");
  // Written again over the first export: the same files.
  write_export(plan);
}

TEST_F(ExportConfigs, NothingMeetsTheBudgetOrAnUnknownPolicyIsANote) {
  Recommendation none = recommendation("alexnet", "fixed:4");
  none.best.reset();
  Recommendation alien = recommendation("densenet121", "fixed:4");
  alien.best->policy = "later:3";
  alien.best->policy_spec.reset();
  const ExportPlan plan = plan_export({none, alien}, {(dir_ / "o").string(), {kAlexnetProfile}, 1});
  EXPECT_TRUE(plan.workloads.empty());
  ASSERT_EQ(plan.notes.size(), 2u);
  EXPECT_EQ(plan.notes[0], "alexnet 32/s: nothing exported, no configuration meets the budget");
  EXPECT_NE(plan.notes[1].find("densenet121 32/s: nothing exported"), std::string::npos);
  ASSERT_EQ(plan.files.size(), 1u);
  EXPECT_EQ(plan.files[0].first, "README.md");
}

TEST_F(ExportConfigs, RefusesABadFolderBeforeWritingAnything) {
  std::ofstream(dir_ / "file") << "x";
  fs::create_directories(dir_ / "elsewhere");
  fs::create_symlink(dir_ / "elsewhere", dir_ / "link");
  for (const fs::path& bad : {dir_ / "file", dir_ / "file" / "sub", dir_ / "link"}) {
    SCOPED_TRACE(bad.string());
    EXPECT_THROW(check_export_folder(bad.string()), UsageError);
  }
  try {
    check_export_folder((dir_ / "file").string());
  } catch (const UsageError& e) {
    EXPECT_EQ(std::string(e.what()), "--export-configs: '" + (dir_ / "file").string() +
                                         "' exists and is not a folder; give a new folder or "
                                         "one written before");
  }
  EXPECT_THROW(check_export_folder(""), UsageError);
  // A link planted inside an earlier export: refused before any file is written.
  const fs::path out = dir_ / "out";
  fs::create_directories(out);
  fs::create_symlink(dir_ / "elsewhere", out / "alexnet.cpu.paper.32rps");
  const ExportPlan plan =
      plan_export({recommendation("alexnet", "greedy:128")}, {out.string(), {}, 1});
  EXPECT_THROW(write_export(plan), UsageError);
  EXPECT_TRUE(fs::is_empty(dir_ / "elsewhere"));
  EXPECT_FALSE(fs::exists(out / "README.md"));
}

TEST_F(ExportConfigs, ProfilesAreCheckedFirst) {
  std::ofstream(dir_ / "bad.json") << "{";
  EXPECT_THROW(plan_export({recommendation("alexnet", "slo:1s")},
                           {(dir_ / "o").string(), {(dir_ / "bad.json").string()}, 1}),
               UsageError);
  EXPECT_THROW(plan_export({recommendation("alexnet", "slo:1s")},
                           {(dir_ / "o").string(), {kAlexnetProfile, kAlexnetProfile}, 1}),
               UsageError);
  // A profile of a model the results do not hold is a note; a trace arrival is not re-read.
  Recommendation trace = recommendation("alexnet", "fixed:4");
  trace.best->arrival = "trace:/etc/passwd";
  const ExportPlan plan = plan_export({trace}, {(dir_ / "o").string(), {kAlexnetProfile}, 1});
  ASSERT_EQ(plan.workloads.size(), 1u);
  EXPECT_FALSE(plan.workloads[0].cost);
  EXPECT_NE(plan.workloads[0].servers[0].cost_note.find("trace file"), std::string::npos);
  const ExportPlan other = plan_export({recommendation("densenet121", "fixed:4")},
                                       {(dir_ / "o").string(), {kAlexnetProfile}, 1});
  ASSERT_EQ(other.notes.size(), 1u);
  EXPECT_NE(other.notes[0].find("which the results do not hold"), std::string::npos);
}

// A recommendation over levers: the profile of its lever values costs it (one per combination
// may be given), serve's line carries its engine and precision, and what no server config holds
// (the GPU's setting) is a note, not silently dropped.
TEST_F(ExportConfigs, ARecommendationOverLeversIsCostedWithItsOwnProfileAndSaysTheRest) {
  ServiceProfile eager = ServiceProfile::load(kAlexnetProfile);
  ServiceProfile optimized = eager;
  optimized.levers["engine"] = "optimized";
  optimized.levers["power_limit"] = "200W";
  for (auto& b : optimized.batches) b.energy_j *= 0.5;  // told apart by its costs
  const std::string eager_path = (dir_ / "eager.json").string();
  const std::string optimized_path = (dir_ / "optimized.json").string();
  eager.save(eager_path);
  optimized.save(optimized_path);
  Recommendation r = recommendation("alexnet", "fixed:8,timeout=20ms");
  r.best->levers = {"optimized", "fp32", "1", "200W", "default"};  // levers() order
  const ExportPlan plan =
      plan_export({r}, {(dir_ / "o").string(), {eager_path, optimized_path}, 1.0});
  ASSERT_EQ(plan.workloads.size(), 1u);
  EXPECT_EQ(plan.workloads[0].profile, optimized_path);
  const std::string line = serve_command(plan.workloads[0]);
  EXPECT_NE(line.find("--policy fixed:8,timeout=20ms --engine optimized --device cpu"),
            std::string::npos)
      << line;
  std::string notes;
  for (const std::string& n : plan.notes) notes += n + "\n";
  EXPECT_NE(notes.find("the recommendation also sets optimized, 200W limit, which these configs "
                       "do not carry"),
            std::string::npos)
      << notes;
  // The same model at the same lever values twice is refused; at other values, no profile costs.
  EXPECT_THROW(plan_export({r}, {(dir_ / "o").string(), {optimized_path, optimized_path}, 1.0}),
               UsageError);
  const ExportPlan unserved = plan_export({r}, {(dir_ / "o").string(), {eager_path}, 1.0});
  EXPECT_NE(unserved.workloads.at(0).servers.at(1).cost_note.find(
                "measured at other lever values than the recommendation's"),
            std::string::npos)
      << unserved.workloads.at(0).servers.at(1).cost_note;
}

}  // namespace
}  // namespace gb
