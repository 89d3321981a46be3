// The progress file of a sharded sweep: a few hundred bytes of JSON beside the shard's store
// (results-shard-I-of-N.progress.json beside results-shard-I-of-N.sqlite), rewritten atomically
// (common/files.h) when the shard starts, before and after each configuration, and when it is
// complete. It exists so that `greenbatch slurm status` can tell how far each shard is without
// opening its store: a SQLite store in WAL mode must not be read from another host over a shared
// filesystem (its shared-memory index is per host), while a renamed file is safe to read anywhere.
//
//   {"format": "greenbatch-progress/1", "experiment": NAME, "shard": I, "shards": N,
//    "done": D, "total": T, "running": "noop fixed:8 paper 32/s" or "", "complete": BOOL,
//    "host": H, "pid": P, "updated": "2026-11-24T09:21:49Z"}
//
// A shard that is killed leaves its last state ("running" a configuration); the scheduler's state
// tells the rest.
#pragma once

#include <cstddef>
#include <string>

#include "experiment/campaign.h"

namespace gb {

struct ShardProgress {
  std::string experiment;
  std::size_t shard = 0, shards = 1;
  std::size_t done = 0, total = 0;  // configurations of this shard stored, and all of them
  std::string running{};            // the configuration in progress; "" between and after
  bool complete = false;            // the sweep of this shard ended with every one stored
  std::string host{};
  long pid = 0;
  std::string updated_utc{};
};

// STORE's progress file: its name with ".sqlite" replaced by ".progress.json".
std::string progress_path(const std::string& store);

// Read as hostile data (another host wrote it, anyone may have): at most 16 KiB, JSON
// depth-checked, each field type- and range-checked (shard < shards <= 1000000, done <= total <=
// 100000000, texts at most 1024 characters). UsageError naming the file and what is wrong.
ShardProgress read_progress(const std::string& path);

// Keeps a shard's progress file current while it runs. The constructor writes it (the stored
// count of `start`, nothing running, this host and pid) and chains into `options`' on_start (the
// configuration running) and on_done (one more done), each rewriting the file after calling what
// `options` held before. REQUIRES: this object outlives every run_campaign() call made with
// `options`, and is not moved (the callbacks hold its address).
class ProgressFile {
 public:
  ProgressFile(std::string path, ShardProgress start, CampaignOptions& options);
  ProgressFile(const ProgressFile&) = delete;
  ProgressFile& operator=(const ProgressFile&) = delete;
  // The shard is complete: every configuration stored.
  void finish();

 private:
  void write();
  std::string path_;
  ShardProgress p_;
};

}  // namespace gb
