// greenbatch slurm status: how far a submitted sweep is. Per shard: configurations done of its
// total (from the shard's progress file, cluster/shard_progress.h, never from its store: a WAL
// store must not be read across hosts), what it is running, and the job's state in squeue when
// squeue is there; then the merge job's state, and the merged store's count once the merge ran.
//
// Everything read is hostile data (jobs.json, progress files, squeue's output): bounded in size,
// range-checked, and shown with control characters removed. A shard whose progress file cannot be
// read is reported as such; the rest of the status still is.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "cluster/job_scripts.h"
#include "cluster/shard_progress.h"
#include "cluster/slurm_submit.h"

namespace gb {

struct ShardStatus {
  std::size_t total = 0;  // of this shard, from DIR/slurm/experiment.toml
  std::optional<ShardProgress> progress;
  std::string progress_error;  // why the progress file could not be read; "" when it was or none
  std::string queue;           // squeue's state ("RUNNING", "PENDING (Resources)"); "" not queued
};

struct SweepStatus {
  SlurmLayout layout{""};
  SubmittedJobs jobs;
  std::size_t configurations = 0;
  std::vector<ShardStatus> shards;
  std::string merge_queue;            // as ShardStatus::queue
  std::string queue_note;             // why squeue's states are missing ("" when they are not)
  std::optional<std::size_t> merged;  // configurations in DIR/merged, once the merge job ran
};

// UsageError when DIR holds no DIR/slurm/jobs.json (not submitted by greenbatch slurm submit) or
// its jobs.json or experiment.toml cannot be read.
SweepStatus sweep_status(const std::string& dir);

// The status as a few lines and a table (common/text_table.h).
std::string render_status(const SweepStatus& status);

// squeue's lines "ID|STATE|REASON" (squeue -h -r -o '%i|%T|%r') applied to `status`: array tasks
// "ARRAY_TASK" to their shard, the merge job's id to merge_queue. Lines that fit neither, or name
// a task beyond the shards, are ignored. Exposed for tests.
void apply_squeue(const std::string& output, SweepStatus& status);

}  // namespace gb
