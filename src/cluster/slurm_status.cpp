#include "cluster/slurm_status.h"

#include <fmt/format.h>

#include <filesystem>

#include "cluster/process.h"
#include "common/control_chars.h"
#include "common/errors.h"
#include "common/parse.h"
#include "common/text_table.h"
#include "results/experiment_file.h"
#include "results/result_store.h"

namespace gb {
namespace fs = std::filesystem;
namespace {

constexpr Nanos kSqueueTimeout = std::chrono::seconds(30);

// Text from a file or another program, for the terminal: control characters (escape sequences)
// dropped, at most `max` characters.
std::string shown(const std::string& text, std::size_t max = 60) {
  const std::string out = drop_controls(text);
  return out.size() > max ? out.substr(0, max - 3) + "..." : out;
}

std::string state_of(const ShardStatus& s, bool queue_known) {
  if (!s.queue.empty()) return s.queue;
  if (!s.progress_error.empty()) return "progress file unreadable";
  if (!s.progress) return queue_known ? "not queued, not started" : "not started";
  if (s.progress->complete) return "done";
  // Not in the queue and not complete: it ended without finishing (failed, cancelled, out of
  // time), or squeue cannot say.
  return queue_known ? "stopped (see its log)" : "started";
}

}  // namespace

void apply_squeue(const std::string& output, SweepStatus& status) {
  for (const std::string& line : split(output, '\n')) {
    const std::vector<std::string> f = split(line, '|');
    if (f.size() != 3) continue;
    const std::string id(trim(f[0])), state = shown(std::string(trim(f[1])), 24);
    const std::string reason = shown(std::string(trim(f[2])), 40);
    const std::string text =
        reason.empty() || reason == "None" ? state : state + " (" + reason + ")";
    if (!status.jobs.merge_job.empty() && id == status.jobs.merge_job) {
      status.merge_queue = text;
      continue;
    }
    const std::string prefix = status.jobs.array_job + "_";
    if (id.rfind(prefix, 0) != 0) continue;
    const std::string task = id.substr(prefix.size());
    if (task.empty() || task.size() > 7 ||
        task.find_first_not_of("0123456789") != std::string::npos)
      continue;  // "12_[3-5]": a range squeue did not expand
    const std::size_t i = std::stoul(task);
    if (i < status.shards.size()) status.shards[i].queue = text;
  }
}

SweepStatus sweep_status(const std::string& dir) {
  SweepStatus st;
  st.layout = SlurmLayout(fs::absolute(dir).lexically_normal().string());
  if (!fs::exists(st.layout.jobs)) {
    throw UsageError("'" + dir +
                     "' holds no slurm/jobs.json: give the --out folder of a "
                     "greenbatch slurm submit");
  }
  st.jobs = read_submitted_jobs(st.layout.jobs);
  const std::vector<Configuration> configs = expand(load_experiment(st.layout.experiment));
  st.configurations = configs.size();
  const std::size_t n = st.jobs.shards;
  for (std::size_t i = 0; i < n; ++i) {
    ShardStatus s;
    s.total = shard(configs, i, n).size();
    const std::string path = progress_path(
        (fs::path(st.layout.dir) / fmt::format("results-shard-{}-of-{}.sqlite", i, n)).string());
    if (fs::exists(path)) {
      try {
        s.progress = read_progress(path);
      } catch (const UsageError& e) {
        s.progress_error = e.what();
      }
    }
    st.shards.push_back(std::move(s));
  }
  const std::string squeue = find_program("squeue");
  if (squeue.empty()) {
    st.queue_note = "squeue is not on PATH: no job states";
  } else {
    std::string ids =
        st.jobs.array_job + (st.jobs.merge_job.empty() ? "" : "," + st.jobs.merge_job);
    const ProgramResult r =
        run_program({squeue, "-h", "-r", "-j", ids, "-o", "%i|%T|%r"}, kSqueueTimeout);
    // Jobs that ended long enough ago are forgotten, and squeue then refuses their ids: that is
    // "not queued", as is an empty answer.
    if (r.timed_out)
      st.queue_note = "squeue did not answer within 30 s: no job states";
    else if (r.exit_code == 0)
      apply_squeue(r.out, st);
    else if (r.err.find("Invalid job id") == std::string::npos) {
      st.queue_note = "squeue failed: " + first_line(r.err);
    }
  }
  const std::string merged = (fs::path(st.layout.merged) / "results.sqlite").string();
  // Only once the merge job left the queue: a store being written on another host is not read.
  if (st.merge_queue.empty() && fs::exists(merged)) {
    st.merged = ResultStore(merged).completed().size();
  }
  return st;
}

std::string render_status(const SweepStatus& st) {
  std::string out =
      fmt::format("sweep '{}': {} configurations in {} shards, array job {}{} ({})\n",
                  shown(st.jobs.experiment), st.configurations, st.jobs.shards, st.jobs.array_job,
                  st.jobs.merge_job.empty() ? ", no merge job" : ", merge job " + st.jobs.merge_job,
                  st.layout.dir);
  if (!st.queue_note.empty()) out += st.queue_note + "\n";
  Table t;
  t.header = {"shard", "done", "state", "running", "host", "updated"};
  t.numeric = {true, true, false, false, false, false};
  const bool known = st.queue_note.empty();
  std::size_t done = 0;
  for (std::size_t i = 0; i < st.shards.size(); ++i) {
    const ShardStatus& s = st.shards[i];
    const std::size_t d = s.progress ? std::min(s.progress->done, s.total) : 0;
    done += d;
    t.rows.push_back({std::to_string(i), fmt::format("{}/{}", d, s.total), state_of(s, known),
                      s.progress ? shown(s.progress->running) : "",
                      s.progress ? shown(s.progress->host, 30) : "",
                      s.progress ? shown(s.progress->updated_utc, 24) : ""});
  }
  out += t.render();
  out += fmt::format("{} of {} configurations done\n", done, st.configurations);
  for (std::size_t i = 0; i < st.shards.size(); ++i) {
    if (!st.shards[i].progress_error.empty())
      out += "shard " + std::to_string(i) + ": " + shown(st.shards[i].progress_error, 300) + "\n";
  }
  if (!st.jobs.merge_job.empty()) {
    out += "merge job " + st.jobs.merge_job + ": " +
           (st.merge_queue.empty() ? (known ? "not queued (ended)" : "state unknown")
                                   : st.merge_queue) +
           "\n";
  }
  if (st.merged) {
    out += fmt::format("merged: {} of {} configurations in {} (greenbatch report {})\n", *st.merged,
                       st.configurations, st.layout.merged, st.layout.merged);
  } else {
    out += "merged: not yet\n";
  }
  return out;
}

}  // namespace gb
