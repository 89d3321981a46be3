// greenbatch slurm submit: a sweep as a Slurm job array, one task per shard, and a merge job that
// runs once every shard succeeded (docs/slurm.md).
//
// Contract of submit_sweep:
// - Everything is checked before anything is written or submitted: the options
//   (check_job_settings), the experiment file (parsed, expanded, its profiles attached, its
//   schedules drawn; devices and meters are the compute nodes' and are checked there), --shards
//   against the configurations, the folder (no stores of another experiment), the binary the jobs
//   run (an executable file), and that sbatch is on PATH (not needed for a dry run). Any of these
//   is a UsageError and leaves nothing behind.
// - Then it writes DIR/slurm/ (experiment.toml, a copy of the file every shard runs, so that
//   editing the original cannot split a sweep; array.sbatch; merge.sbatch; logs/), each file
//   atomically, and, unless a dry run, submits: `sbatch --parsable array.sbatch`, then `sbatch
//   --parsable --dependency=afterok:ID --kill-on-invalid-dep=yes merge.sbatch`, by argv (no
//   shell), each bounded in time. sbatch's refusal of the array is a RunError quoting it (nothing
//   submitted); a refusal of the merge is a RunError naming the array job that was submitted and
//   the command that submits the merge. DIR/slurm/jobs.json then records the job ids.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "cluster/job_scripts.h"

namespace gb {

struct SlurmSubmitOptions {
  std::string experiment_file;
  std::string out;         // DIR
  std::string greenbatch;  // "" = this running binary
  bool dry_run = false;
  JobSettings jobs;  // name, greenbatch and workdir are filled in by submit_sweep
};

struct SlurmSubmission {
  SlurmLayout layout{""};
  std::string experiment_name;
  std::size_t configurations = 0;
  std::vector<std::size_t> per_shard;                     // configurations of each shard
  std::vector<std::string> array_command, merge_command;  // sbatch's argv
  std::string array_job, merge_job;                       // ids; "" in a dry run
};

SlurmSubmission submit_sweep(const SlurmSubmitOptions& options);

// What the command prints: the job ids (or, for a dry run, the commands that would submit), the
// configurations per shard, where the scripts and logs are, and how to follow the sweep.
std::string submission_text(const SlurmSubmission& submission);

// "a b 'c d'": argv as one line a shell would split back into it (shell_quote each).
std::string command_line(const std::vector<std::string>& argv);

// DIR/slurm/jobs.json, as submit_sweep writes it and `slurm status` reads it.
struct SubmittedJobs {
  std::string experiment;  // its name
  std::size_t shards = 0;
  std::string array_job, merge_job;  // digits; merge_job "" when its submission failed
  std::string submitted_utc;
};
void write_submitted_jobs(const std::string& path, const SubmittedJobs& jobs);
// Read as hostile data: at most 64 KiB, JSON depth-checked, every field type- and range-checked
// (shards 1 to 1000000, job ids 1 to 20 digits). UsageError naming the file and the field.
SubmittedJobs read_submitted_jobs(const std::string& path);

}  // namespace gb
