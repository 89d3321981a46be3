// greenbatch report: the paper's figures, Pareto fronts and a recommendation per model and rate,
// from a sweep or a run folder; prints the recommendations.
#include <fmt/format.h>

#include <algorithm>

#include "commands.h"
#include "common/parse.h"
#include "options.h"
#include "report/console.h"
#include "report/report.h"
#include "terminal.h"

namespace gb::cli {

Command register_report(CLI::App& app) {
  struct Args {
    ReportOptions options;
    std::string slo = "1s";
  };
  auto args = std::make_shared<Args>();
  CLI::App* cmd = app.add_subcommand(
      "report", "HTML report with the paper's figures, Pareto fronts and recommendations");
  cmd->add_option("DIR", args->options.input,
                  "a sweep folder (results*.sqlite), a store file, or a run folder (summary.json)")
      ->required();
  cmd->add_option("--out,-o", args->options.out, "report folder (default: DIR/report)");
  cmd->add_option("--slo", args->slo, "latency budget on max and p99 response time, e.g. 500ms, 2s")
      ->capture_default_str();
  cmd->add_flag("--compare-paper", args->options.compare_paper,
                "overlay the paper's published GTX 1080 figures (marked as such)");
  cmd->add_option("--export-configs", args->options.export_dir,
                  "write each recommendation as Triton, TorchServe and greenbatch serve configs "
                  "into this folder");
  cmd->add_option("--profile,-p", args->options.profiles,
                  "profile of a model (greenbatch profile), to simulate the cost of the closest "
                  "equivalents (repeatable; with --export-configs)");
  add_wide_flag(cmd);
  cmd->footer(
      "\nExamples:\n"
      "  greenbatch report results/quick --slo 2s\n"
      "  greenbatch report results/paper --slo 500ms --compare-paper\n"
      "  greenbatch report results/quick --slo 1s --export-configs deploy -p alexnet.json\n");
  return [args] {
    args->options.slo_s = to_seconds(parse_duration(args->slo));
    const ReportContent c = build_report(args->options);
    const std::string methods = energy_methods(c.points);
    std::fputs(recommendations_text(c.recommendations, args->slo, output_width()).c_str(), stdout);
    std::fputs(lever_savings_text(c.lever_savings, output_width()).c_str(), stdout);
    std::fputs(
        fmt::format("\nenergy method: {}{}\n", methods,
                    c.estimated_energy ? " (a CPU-utilisation model, NOT a measurement)" : "")
            .c_str(),
        stdout);
    for (const std::string& n : c.notes) std::fputs(("note: " + n + "\n").c_str(), stdout);
    for (const std::string& line : c.exported) std::fputs((line + "\n").c_str(), stdout);
    std::fputs(fmt::format("report: {}/report.html ({} figures, SVG and PNG beside it)\n",
                           c.options.out, c.figures.size())
                   .c_str(),
               stdout);
    return 0;
  };
}

}  // namespace gb::cli
