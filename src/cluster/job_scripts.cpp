#include "cluster/job_scripts.h"

#include <fmt/format.h>

#include <cctype>
#include <filesystem>
#include <regex>

#include "cluster/quoting.h"
#include "common/errors.h"
#include "common/version.h"

namespace gb {
namespace fs = std::filesystem;

SlurmLayout::SlurmLayout(const std::string& folder)
    : dir(folder),
      slurm((fs::path(folder) / "slurm").string()),
      experiment((fs::path(slurm) / "experiment.toml").string()),
      array_script((fs::path(slurm) / "array.sbatch").string()),
      merge_script((fs::path(slurm) / "merge.sbatch").string()),
      jobs((fs::path(slurm) / "jobs.json").string()),
      logs((fs::path(slurm) / "logs").string()),
      merged((fs::path(folder) / "merged").string()) {}

namespace {

// The options greenbatch sets itself, long names without "--", and their short letters.
constexpr const char* kOwnLong[] = {"array", "dependency", "output", "error", "parsable", "wrap"};
constexpr char kOwnShort[] = "adoe";

void check_sbatch_arg(const std::string& arg) {
  const std::string what = "--sbatch-arg '" + arg + "'";
  sbatch_quote(arg, what);  // refuses control characters
  const bool is_long = arg.rfind("--", 0) == 0 && arg.size() > 2;
  const bool is_short = !is_long && arg.size() >= 2 && arg[0] == '-' && std::isalpha(arg[1]);
  const std::string name = is_long ? arg.substr(2, arg.find('=') - 2) : arg.substr(0, 2);
  if (!(is_long || is_short) || name.find_first_of(" \t") != std::string::npos ||
      (is_short && arg.size() > 2 && arg[2] == ' ')) {
    throw UsageError(what +
                     " is not one sbatch option: write it as --name=value (e.g. "
                     "--sbatch-arg=--account=X), one option per --sbatch-arg");
  }
  const auto own = [&]() -> std::string {
    if (is_short) return std::string(kOwnShort).find(arg[1]) != std::string::npos ? name : "";
    for (const char* o : kOwnLong) {
      if (std::string(o).rfind(name, 0) == 0)
        return "--" + std::string(o);  // sbatch takes prefixes
    }
    return "";
  }();
  if (!own.empty()) {
    throw UsageError(what + ": greenbatch sets " + own +
                     " itself (shards: --shards and --throttle; logs: DIR/slurm/logs); leave it "
                     "out");
  }
}

void check_time(const std::string& text, const char* option) {
  static const std::regex form(
      R"(\d{1,9}|\d{1,9}:\d{1,2}|\d{1,9}:\d{1,2}:\d{1,2}|\d{1,5}-\d{1,2}(:\d{1,2}){0,2})");
  if (!std::regex_match(text, form)) {
    throw UsageError(fmt::format(
        "{} '{}' is not a Slurm time limit: write minutes, MM:SS, HH:MM:SS, D-HH, D-HH:MM or "
        "D-HH:MM:SS (e.g. {} 08:00:00)",
        option, text, option));
  }
}

void check_name(const std::string& text, const char* option) {
  for (char c : text) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) {
      throw UsageError(
          fmt::format("{} '{}' holds a space or a control character; Slurm names "
                      "hold neither",
                      option, text));
    }
  }
}

// "#SBATCH --name=VALUE", the value quoted as sbatch reads it.
std::string directive(const std::string& name, const std::string& value) {
  return "#SBATCH --" + name + "=" + sbatch_quote(value, "--" + name) + "\n";
}

// The #SBATCH lines both jobs share: partition and the user's options (last: they override).
std::string shared_directives(const JobSettings& s) {
  std::string out;
  if (!s.partition.empty()) out += directive("partition", s.partition);
  for (const std::string& a : s.sbatch_args)
    out += "#SBATCH " + sbatch_quote(a, "--sbatch-arg") + "\n";
  return out;
}

const char* kStamp = "$(hostname), $(date -u +%Y-%m-%dT%H:%M:%SZ)";

}  // namespace

void check_job_settings(const JobSettings& s) {
  if (s.shards < 1) throw UsageError("--shards must be at least 1");
  check_time(s.time, "--time");
  check_time(s.merge_time, "--merge-time");
  check_name(s.partition, "--partition");
  check_name(s.gres, "--gres");
  sbatch_quote(s.constraint, "--constraint");
  if (s.throttle > s.shards) {
    throw UsageError(fmt::format("--throttle {} is more than the {} shards; give 1 to {}",
                                 s.throttle, s.shards, s.shards));
  }
  for (const std::string& a : s.sbatch_args) check_sbatch_arg(a);
}

std::string job_name(const std::string& experiment_name) {
  std::string out = "gb-";
  for (char c : experiment_name) {
    if (out.size() >= 43) break;
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-') out += c;
  }
  return out;
}

std::string array_script(const JobSettings& s, const SlurmLayout& layout) {
  const std::string name = job_name(s.name);
  std::string out = fmt::format(
      "#!/bin/bash\n"
      "# {}: one array task per shard of the sweep (greenbatch sweep --shard I/{}), requeued when\n"
      "# preempted; a requeued shard resumes. Written by greenbatch {} slurm submit; submit it\n"
      "# again with sbatch, then merge.sbatch with --dependency=afterok:<this job's id>.\n",
      name, s.shards, kVersion);
  out += directive("job-name", name);
  out += directive("array", s.throttle ? fmt::format("0-{}%{}", s.shards - 1, s.throttle)
                                       : fmt::format("0-{}", s.shards - 1));
  out += "#SBATCH --requeue\n#SBATCH --output=/dev/null\n";
  out += directive("time", s.time);
  if (!s.gres.empty()) out += directive("gres", s.gres);
  if (!s.constraint.empty()) out += directive("constraint", s.constraint);
  if (s.exclusive) out += "#SBATCH --exclusive\n";
  out += shared_directives(s);
  out += "set -euo pipefail\n";
  out += "exec >>" + shell_quote(layout.logs + "/shard-") + "\"${SLURM_ARRAY_TASK_ID}.log\" 2>&1\n";
  out += fmt::format(
      "echo \"greenbatch slurm: shard ${{SLURM_ARRAY_TASK_ID}}/{} of job "
      "${{SLURM_ARRAY_JOB_ID:-?}}, restart ${{SLURM_RESTART_COUNT:-0}}, on {}, "
      "CUDA_VISIBLE_DEVICES=${{CUDA_VISIBLE_DEVICES-unset}}\"\n",
      s.shards, kStamp);
  out += "cd " + shell_quote(s.workdir) + "\n";
  // --wait: a requeued task may start while its predecessor still holds the store's lock.
  out += "exec " + shell_quote(s.greenbatch) + " sweep " + shell_quote(layout.experiment) +
         " --out " + shell_quote(layout.dir) +
         fmt::format(" --shard \"${{SLURM_ARRAY_TASK_ID}}/{}\" --wait", s.shards);
  for (const std::string& p : s.profiles) out += " --profile " + shell_quote(p);
  return out + "\n";
}

std::string merge_script(const JobSettings& s, const SlurmLayout& layout) {
  const std::string name = job_name(s.name) + "-merge";
  std::string out = fmt::format(
      "#!/bin/bash\n"
      "# {}: joins the shards' stores into merged/ once every shard succeeded (submitted with\n"
      "# --dependency=afterok:<array job id>). Written by greenbatch {} slurm submit.\n",
      name, kVersion);
  out += directive("job-name", name);
  out += "#SBATCH --output=/dev/null\n";
  out += directive("time", s.merge_time);
  out += shared_directives(s);
  out += "set -euo pipefail\n";
  out += "exec >>" + shell_quote(layout.logs + "/merge.log") + " 2>&1\n";
  out += fmt::format("echo \"greenbatch slurm: merge, job ${{SLURM_JOB_ID:-?}}, on {}\"\n", kStamp);
  out += "cd " + shell_quote(s.workdir) + "\n";
  const std::string gb = shell_quote(s.greenbatch), merged = shell_quote(layout.merged);
  out += gb + " merge " + merged + " " + shell_quote(layout.dir) +
         (s.allow_mixed_hardware ? " --allow-mixed-hardware" : "") + "\n";
  out += "exec " + gb + " export " + merged + " --csv " +
         shell_quote(layout.merged + "/results.csv") + "\n";
  return out;
}

}  // namespace gb
