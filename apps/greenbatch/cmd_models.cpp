// greenbatch models: the built-in zoo with the facts the paper's Fig. 3/4 comparison needs.
#include <fmt/format.h>

#include "commands.h"
#include "models/classifier.h"
#include "terminal.h"

namespace gb::cli {

Command register_models(CLI::App& app) {
  app.add_subcommand("models",
                     "List the built-in models: parameters, GFLOPs, ImageNet top-1, year");
  return [] {
    Table t;
    t.header = {"model", "parameters", "GFLOPs/img", "top-1 (%)", "year", "paper"};
    t.numeric = {false, true, true, true, true, false};
    for (const ModelInfo& m : builtin_models()) {
      t.rows.push_back({m.name, fmt::format("{}", m.parameters), fmt::format("{:.2f}", m.gflops),
                        fmt::format("{:.3f}", m.top1), std::to_string(m.year), m.paper});
    }
    t.rows.push_back({"noop", "0", "0", "-", "-", "no model: measures the harness itself"});
    std::fputs(t.render().c_str(), stdout);
    std::puts(
        "\nGFLOPs at 224x224 and top-1 on ImageNet-1K are torchvision's published figures.\n"
        "Any TorchScript file also works as --model FILE.pt.");
    return 0;
  };
}

}  // namespace gb::cli
