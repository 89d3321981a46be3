// greenbatch report: the paper's figures, Pareto fronts and a recommendation per model and rate,
// from a sweep or a run folder; prints the recommendations.
#include <fmt/format.h>

#include <algorithm>

#include "commands.h"
#include "common/parse.h"
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
  cmd->footer(
      "\nExamples:\n"
      "  greenbatch report results/quick --slo 2s\n"
      "  greenbatch report results/paper --slo 500ms --compare-paper\n"
      "  greenbatch report results/quick --slo 1s --export-configs deploy -p alexnet.json\n");
  return [args] {
    args->options.slo_s = to_seconds(parse_duration(args->slo));
    const ReportContent c = build_report(args->options);
    Table t;
    t.header = {"model",        "rate",     "recommended",      "energy/img (J)",
                "max (ms)",     "p99 (ms)", "energy vs greedy", "vs no batching",
                "within budget"};
    t.numeric = {false, false, false, true, true, true, true, true, true};
    const auto pct = [](const std::optional<double>& f) {
      return f ? fmt::format("{:+.0f} %", -100 * *f) : std::string("-");
    };
    // Where configurations set the GPU's power limit or clocks: what the setting alone saved.
    const bool gpu = std::any_of(c.recommendations.begin(), c.recommendations.end(),
                                 [](const Recommendation& r) { return r.default_gpu.has_value(); });
    if (gpu) {
      t.header.push_back("vs default GPU");
      t.numeric.push_back(true);
    }
    for (const Recommendation& r : c.recommendations) {
      const std::string within = fmt::format("{}/{}", r.within_slo, r.candidates);
      if (!r.best) {
        t.rows.push_back(
            {r.model, r.rate_label, "none meets the budget", "", "", "", "", "", within});
        if (gpu) t.rows.back().push_back("");
        continue;
      }
      t.rows.push_back({r.model, r.rate_label, r.best->label(),
                        fmt::format("{:.4g}", r.best->energy_per_image_j),
                        fmt::format("{:.1f}", r.best->max_response_s * 1e3),
                        fmt::format("{:.1f}", r.best->p99_response_s * 1e3),
                        pct(r.saving_vs_greedy), pct(r.saving_vs_unbatched), within});
      if (gpu) t.rows.back().push_back(pct(r.saving_vs_default_gpu));
    }
    const std::string methods = energy_methods(c.points);
    std::fputs(fmt::format("\nRecommendations (least energy per image with max and p99 response "
                           "within {}):\n\n",
                           args->slo)
                   .c_str(),
               stdout);
    std::fputs(t.render().c_str(), stdout);
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
