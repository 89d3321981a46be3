// The files of a sweep submitted to Slurm, and the text of its two job scripts: an array with one
// task per shard (`greenbatch sweep --shard i/N`, requeued on preemption) and a merge job run after
// all of them succeeded (docs/slurm.md shows both). Pure: nothing here reads or writes a file.
//
// Every path, name and option a script holds goes through cluster/quoting.h: shell_quote in the
// body, sbatch_quote in #SBATCH lines. No path is put in an #SBATCH line (Slurm would expand
// %-patterns in an --output path): the job's own output goes to /dev/null and the body appends
// everything to its log in DIR/slurm/logs.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace gb {

// Where everything lies for the sweep folder DIR (absolute when DIR is).
struct SlurmLayout {
  explicit SlurmLayout(const std::string& dir);
  std::string dir;           // DIR: the shards' stores and progress files
  std::string slurm;         // DIR/slurm
  std::string experiment;    // DIR/slurm/experiment.toml: the file every shard runs
  std::string array_script;  // DIR/slurm/array.sbatch
  std::string merge_script;  // DIR/slurm/merge.sbatch
  std::string jobs;          // DIR/slurm/jobs.json: what was submitted (slurm_submit.h)
  std::string logs;          // DIR/slurm/logs: shard-I.log and merge.log
  std::string merged;        // DIR/merged: the merge job's store and CSV
};

// What the scripts say, paths absolute. The strings are the user's (options), checked by
// check_job_settings().
struct JobSettings {
  std::string name;        // the experiment's
  std::size_t shards = 1;  // array tasks 0..shards-1
  std::string greenbatch;  // the binary the jobs run
  std::string workdir;     // where the jobs start: relative paths in the experiment point from it
  std::vector<std::string> profiles;        // sweep --profile, each
  std::string partition, gres, constraint;  // "" = none
  std::string time = "08:00:00";            // of each shard
  std::string merge_time = "00:30:00";
  bool exclusive = false;
  std::size_t throttle = 0;              // at most this many shards at once (%K); 0: no limit
  std::vector<std::string> sbatch_args;  // extra #SBATCH options, for both jobs
  bool allow_mixed_hardware = false;     // passed to merge
};

// UsageError, one line naming the option and the fix, for a value Slurm would refuse or that
// would break a script: --time not in one of Slurm's forms (M, M:S, H:M:S, D-H, D-H:M, D-H:M:S),
// a partition or gres with characters Slurm does not use in names, a throttle outside
// 1..shards, an --sbatch-arg that is not an option ("--name=value" or "-x"), holds a control
// character, or names what greenbatch sets itself (--array, --dependency, --output, --error,
// --parsable, --wrap, and their short forms).
void check_job_settings(const JobSettings& s);

// The job name both jobs carry: "gb-" and the experiment's name reduced to letters, digits, '.',
// '_' and '-' (at most 40 of them).
std::string job_name(const std::string& experiment_name);

std::string array_script(const JobSettings& s, const SlurmLayout& layout);
std::string merge_script(const JobSettings& s, const SlurmLayout& layout);

}  // namespace gb
