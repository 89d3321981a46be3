#include "cluster/slurm_submit.h"

#include <fmt/format.h>
#include <unistd.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "cluster/process.h"
#include "cluster/quoting.h"
#include "common/errors.h"
#include "common/files.h"
#include "common/version.h"
#include "experiment/preflight.h"
#include "results/attach_profiles.h"
#include "results/experiment_file.h"
#include "results/result_store.h"

namespace gb {
namespace fs = std::filesystem;
namespace {

// sbatch waits for the controller for a while before it gives up; a minute is ample for a
// submission, and bounds a hung one.
constexpr Nanos kSbatchTimeout = std::chrono::seconds(120);

std::string absolute(const std::string& path) {
  fs::path p = fs::absolute(path).lexically_normal();
  if (p.filename().empty()) p = p.parent_path();  // "out/" -> ".../out"
  return p.string();
}

std::string jobs_binary(const std::string& given) {
  std::error_code ec;
  const std::string path = given.empty() ? fs::read_symlink("/proc/self/exe", ec).string() : given;
  if (ec || path.empty()) {
    throw UsageError("cannot tell where this greenbatch binary is (/proc/self/exe: " +
                     ec.message() + "); give --greenbatch PATH");
  }
  if (!fs::is_regular_file(path, ec) || ::access(path.c_str(), X_OK) != 0) {
    throw UsageError("--greenbatch '" + path +
                     "' is not an executable file; give the greenbatch binary the jobs run (on "
                     "a filesystem the compute nodes share)");
  }
  return absolute(path);
}

// The id `sbatch --parsable` prints: "ID" or "ID;CLUSTER".
std::string parse_job_id(const ProgramResult& r, const std::string& which,
                         const std::string& after) {
  if (r.timed_out) {
    throw RunError(fmt::format(
        "sbatch did not answer within {} s for the {} job{}; see squeue "
        "whether it was submitted",
        std::chrono::duration_cast<std::chrono::seconds>(kSbatchTimeout).count(), which, after));
  }
  if (r.exit_code != 0) {
    throw RunError(fmt::format("sbatch refused the {} job (exit {}): {}{}", which, r.exit_code,
                               first_line(r.err.empty() ? r.out : r.err), after));
  }
  const std::string id = first_line(r.out.substr(0, r.out.find(';')));
  if (id.empty() || id.size() > 20 || id.find_first_not_of("0123456789") != std::string::npos) {
    throw RunError(fmt::format("sbatch printed '{}' for the {} job, not a job id{}",
                               first_line(r.out), which, after));
  }
  return id;
}

}  // namespace

std::string command_line(const std::vector<std::string>& argv) {
  std::string out;
  for (const std::string& a : argv) out += (out.empty() ? "" : " ") + shell_quote(a);
  return out;
}

SlurmSubmission submit_sweep(const SlurmSubmitOptions& o) {
  JobSettings s = o.jobs;
  check_job_settings(s);
  const ExperimentFile experiment = load_experiment(o.experiment_file);
  std::vector<Configuration> configs = expand(experiment);
  for (std::string& p : s.profiles) p = absolute(p);
  attach_profiles(configs, s.profiles, false);
  check_schedules(configs);
  if (s.shards > configs.size()) {
    throw UsageError(
        fmt::format("--shards {} is more than the {} configurations of '{}'; give 1 "
                    "to {}",
                    s.shards, configs.size(), o.experiment_file, configs.size()));
  }
  SlurmSubmission r;
  r.layout = SlurmLayout(absolute(o.out));
  r.experiment_name = experiment.name;
  r.configurations = configs.size();
  for (std::size_t i = 0; i < s.shards; ++i)
    r.per_shard.push_back(shard(configs, i, s.shards).size());
  // As a shard will, before it is queued: stores of another experiment in the folder are refused.
  check_folder_experiment(
      (fs::path(r.layout.dir) / fmt::format("results-shard-0-of-{}.sqlite", s.shards)).string(),
      experiment);
  s.greenbatch = jobs_binary(o.greenbatch);
  s.workdir = fs::current_path().string();
  s.name = experiment.name;
  const std::string sbatch = o.dry_run ? "sbatch" : find_program("sbatch");
  if (sbatch.empty()) {
    throw UsageError(
        "sbatch is not on PATH: run greenbatch slurm submit where Slurm's commands are (a login "
        "node), or add --dry-run to write the job scripts without submitting them");
  }
  const std::string array = array_script(s, r.layout), merge = merge_script(s, r.layout);

  fs::create_directories(r.layout.logs);
  write_file_atomically(r.layout.experiment, experiment.text);
  write_file_atomically(r.layout.array_script, array);
  write_file_atomically(r.layout.merge_script, merge);
  r.array_command = {sbatch, "--parsable", r.layout.array_script};
  r.merge_command = {sbatch, "--parsable", "--dependency=afterok:ARRAY_JOB_ID",
                     "--kill-on-invalid-dep=yes", r.layout.merge_script};
  if (o.dry_run) return r;

  r.array_job = parse_job_id(run_program(r.array_command, kSbatchTimeout), "array",
                             "; nothing was submitted (the scripts are in " + r.layout.slurm + ")");
  r.merge_command[2] = "--dependency=afterok:" + r.array_job;
  SubmittedJobs jobs{experiment.name, s.shards, r.array_job, "", utc_now()};
  try {
    r.merge_job =
        parse_job_id(run_program(r.merge_command, kSbatchTimeout), "merge",
                     fmt::format("; array job {} was submitted: submit the merge with: {}",
                                 r.array_job, command_line(r.merge_command)));
  } catch (...) {
    write_submitted_jobs(r.layout.jobs, jobs);
    throw;
  }
  jobs.merge_job = r.merge_job;
  write_submitted_jobs(r.layout.jobs, jobs);
  return r;
}

std::string submission_text(const SlurmSubmission& r) {
  std::string sizes;
  for (std::size_t n : r.per_shard) sizes += (sizes.empty() ? "" : ", ") + std::to_string(n);
  std::string out = fmt::format(
      "sweep '{}': {} configurations in {} shards ({} each), results in {}\n"
      "job scripts: {} and {}; logs in {}\n",
      r.experiment_name, r.configurations, r.per_shard.size(), sizes, r.layout.dir,
      r.layout.array_script, r.layout.merge_script, r.layout.logs);
  if (r.array_job.empty()) {
    return out + "dry run, nothing submitted; to submit:\n  " + command_line(r.array_command) +
           "\n  " + command_line(r.merge_command) + "\n";
  }
  return out + fmt::format(
                   "array job {} (one task per shard, requeued when preempted)\n"
                   "merge job {} (after every shard succeeded) -> {}\n"
                   "follow it with: greenbatch slurm status {}\n",
                   r.array_job, r.merge_job, r.layout.merged, shell_quote(r.layout.dir));
}

void write_submitted_jobs(const std::string& path, const SubmittedJobs& j) {
  nlohmann::ordered_json doc = {{"format", "greenbatch-slurm/1"},
                                {"experiment", j.experiment},
                                {"shards", j.shards},
                                {"array_job", j.array_job},
                                {"merge_job", j.merge_job},
                                {"submitted", j.submitted_utc},
                                {"greenbatch", kVersion}};
  write_file_atomically(path, doc.dump(2) + "\n");
}

SubmittedJobs read_submitted_jobs(const std::string& path) {
  const std::string text = read_bounded_file(path, 64 * 1024);
  check_json_depth(text, kMaxJsonDepth, "'" + path + "'");
  const auto doc = nlohmann::ordered_json::parse(text, nullptr, false);
  const auto bad = [&](const std::string& why) {
    return UsageError("'" + path + "' is not a greenbatch slurm jobs file: " + why +
                      " (greenbatch slurm submit writes it)");
  };
  if (!doc.is_object() || doc.value("format", nlohmann::ordered_json()) != "greenbatch-slurm/1") {
    throw bad("no \"format\": \"greenbatch-slurm/1\"");
  }
  const auto text_field = [&](const char* key, std::size_t max) {
    const auto it = doc.find(key);
    if (it == doc.end() || !it->is_string() || it->get<std::string>().size() > max) {
      throw bad(fmt::format("\"{}\" is not a string of at most {} characters", key, max));
    }
    return it->get<std::string>();
  };
  SubmittedJobs j;
  j.experiment = text_field("experiment", 4096);
  j.submitted_utc = text_field("submitted", 64);
  const auto shards = doc.find("shards");
  if (shards == doc.end() || !shards->is_number_unsigned() || shards->get<std::uint64_t>() < 1 ||
      shards->get<std::uint64_t>() > 1000000) {
    throw bad("\"shards\" is not a number from 1 to 1000000");
  }
  j.shards = shards->get<std::size_t>();
  j.array_job = text_field("array_job", 20);
  j.merge_job = text_field("merge_job", 20);
  for (const std::string* id : {&j.array_job, &j.merge_job}) {
    if (id->find_first_not_of("0123456789") != std::string::npos)
      throw bad("a job id is not digits");
  }
  if (j.array_job.empty()) throw bad("\"array_job\" is empty");
  return j;
}

}  // namespace gb
