// greenbatch slurm submit / status: a sweep as a Slurm job array (one task per shard, requeued
// when preempted) and a merge job after it; and how far such a sweep is. docs/slurm.md.
#include <cstdio>

#include "cluster/slurm_status.h"
#include "cluster/slurm_submit.h"
#include "commands.h"

namespace gb::cli {

namespace {

void add_submit_options(CLI::App* cmd, SlurmSubmitOptions& o) {
  JobSettings& j = o.jobs;
  cmd->add_option("file", o.experiment_file, "experiment file (TOML), e.g. configs/paper.toml")
      ->required();
  cmd->add_option("--out,-o", o.out,
                  "result folder, on a filesystem the nodes share: the shards' stores, slurm/ "
                  "(job scripts, logs) and merged/")
      ->required();
  cmd->add_option("--shards", j.shards, "array tasks, each running one --shard i/N")->required();
  cmd->add_option("--partition", j.partition, "Slurm partition of both jobs");
  cmd->add_option("--gres", j.gres, "generic resources of each shard, e.g. gpu:1");
  cmd->add_option("--constraint", j.constraint,
                  "node features of each shard, e.g. a100: one GPU type for the whole sweep");
  cmd->add_option("--time", j.time, "time limit of each shard")->capture_default_str();
  cmd->add_option("--merge-time", j.merge_time, "time limit of the merge job")
      ->capture_default_str();
  cmd->add_flag("--exclusive", j.exclusive,
                "each shard gets its node to itself (for energy: nobody else's load measured)");
  cmd->add_option("--throttle", j.throttle, "at most this many shards at once (the array's %K)");
  cmd->add_option("--sbatch-arg", j.sbatch_args,
                  "one more sbatch option for both jobs, e.g. --sbatch-arg=--account=X "
                  "--sbatch-arg=--qos=long --sbatch-arg=--mem=16G");
  cmd->add_option("--profile,-p", j.profiles, "profile of a model, for its slo:T and offline:T")
      ->expected(1);
  cmd->add_option("--greenbatch", o.greenbatch,
                  "the greenbatch binary the jobs run (default: this one)");
  cmd->add_flag("--allow-mixed-hardware", j.allow_mixed_hardware,
                "let the merge join shards measured on different CPU or GPU models");
  cmd->add_flag("--dry-run", o.dry_run, "write the job scripts and print the sbatch commands only");
}

}  // namespace

Command register_slurm(CLI::App& app) {
  auto submit_options = std::make_shared<SlurmSubmitOptions>();
  auto status_dir = std::make_shared<std::string>();
  CLI::App* slurm = app.add_subcommand(
      "slurm", "Run a sweep on a Slurm cluster: one array task per shard, then a merge job");
  slurm->require_subcommand(1);
  CLI::App* submit = slurm->add_subcommand(
      "submit", "Write the job scripts of a sharded sweep into DIR/slurm and submit them");
  add_submit_options(submit, *submit_options);
  submit->footer(
      "\nExamples:\n"
      "  greenbatch slurm submit configs/paper.toml --out /shared/paper --shards 10 \\\n"
      "      --partition gpu --gres gpu:1 --constraint a100 --exclusive --time 08:00:00\n"
      "  greenbatch slurm submit configs/quick.toml -o /shared/q --shards 4 --throttle 2 \\\n"
      "      --sbatch-arg=--account=proj42 --sbatch-arg=--qos=normal --dry-run\n"
      "A preempted or requeued shard resumes where it stopped; the merge job writes\n"
      "DIR/merged/results.sqlite and results.csv once every shard succeeded.");
  CLI::App* status = slurm->add_subcommand(
      "status", "Per shard of a submitted sweep: configurations done, job state, the merge");
  status->add_option("dir", *status_dir, "the --out folder of greenbatch slurm submit")->required();
  status->footer("\nExample:\n  greenbatch slurm status /shared/paper");
  return [submit, submit_options, status_dir] {
    if (submit->parsed()) {
      std::fputs(submission_text(submit_sweep(*submit_options)).c_str(), stdout);
    } else {
      std::fputs(render_status(sweep_status(*status_dir)).c_str(), stdout);
    }
    return 0;
  };
}

}  // namespace gb::cli
