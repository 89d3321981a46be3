// greenbatch models: the built-in zoo with the facts the paper's Fig. 3/4 comparison needs.
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "commands.h"
#include "models/classifier.h"
#include "options.h"
#include "terminal.h"

namespace gb::cli {
namespace {

int list_models(bool json) {
  if (json) {
    nlohmann::ordered_json out = nlohmann::ordered_json::array();
    for (const ModelInfo& m : builtin_models()) {
      out.push_back({{"name", m.name},
                     {"parameters", m.parameters},
                     {"gflops", m.gflops},
                     {"top1", m.top1},
                     {"year", m.year},
                     {"paper", m.paper}});
    }
    std::puts(out.dump(2).c_str());
    return 0;
  }
  Table t;
  std::vector<double> parameters;
  for (const ModelInfo& m : builtin_models()) parameters.push_back(m.parameters);
  parameters.push_back(0);  // noop
  const ScaledColumn scaled = scale_column(parameters, "");
  t.header = {"model", "parameters (" + scaled.unit + ")", "GFLOPs/img", "top-1 (%)", "year",
              "paper"};
  t.numeric = {false, true, true, true, true, false};
  t.wrap = {false, false, false, false, false, true};
  for (const ModelInfo& m : builtin_models()) {
    t.rows.push_back({m.name, scaled.cells[t.rows.size()], fmt::format("{:.2f}", m.gflops),
                      fmt::format("{:.3f}", m.top1), std::to_string(m.year), m.paper});
  }
  t.rows.push_back(
      {"noop", scaled.cells.back(), "0", "-", "-", "no model: measures the harness itself"});
  std::fputs(t.render(output_width()).c_str(), stdout);
  std::puts(
      "\nGFLOPs at 224x224 and top-1 on ImageNet-1K are torchvision's published figures.\n"
      "Any TorchScript file also works as --model FILE.pt.");
  return 0;
}

}  // namespace

Command register_models(CLI::App& app) {
  auto json = std::make_shared<bool>(false);
  CLI::App* cmd = app.add_subcommand(
      "models", "List the built-in models: parameters, GFLOPs, ImageNet top-1, year");
  add_wide_flag(cmd);
  cmd->add_flag("--json", *json, "print JSON (for scripts) instead of a table");
  return [json] { return list_models(*json); };
}

}  // namespace gb::cli
