#include "results/result_folder.h"

#include <fmt/format.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "common/errors.h"
#include "common/files.h"
#include "results/machine.h"

namespace gb {
namespace fs = std::filesystem;
namespace {

using nlohmann::ordered_json;

// Appends stay atomic (files.h); no fsync: a run folder is rewritten by rerunning the run.
constexpr AtomicWrite kAppend{/*append=*/true, /*fsync=*/false};

constexpr const char* kLastRunFile = ".gb-last-run";

// Temporaries of writers that died mid-write (SIGKILL, power loss) are removed before a new write:
// "NAME.tmp-PID" with no process PID alive.
void remove_dead_temporaries(const fs::path& dir) {
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    const std::string name = e.path().filename().string();
    const auto at = name.rfind(".tmp-");
    if (at == std::string::npos || !e.is_regular_file(ec)) continue;
    // Only greenbatch's own files: --out may be any folder, holding other programs' temporaries.
    static const char* const kOwn[] = {"summary.csv", "summary.json", "requests.csv",
                                       "power.csv",   "machine.json", kLastRunFile};
    if (std::find(std::begin(kOwn), std::end(kOwn), name.substr(0, at)) == std::end(kOwn)) continue;
    const std::string pid = name.substr(at + 5);
    if (pid.empty() || pid.find_first_not_of("0123456789") != std::string::npos) continue;
    if (pid.size() > 9) continue;
    const auto p = static_cast<pid_t>(std::stol(pid));
    if (p != ::getpid() && ::kill(p, 0) != 0 && errno == ESRCH) fs::remove(e.path(), ec);
  }
}

std::string read_first_line(const fs::path& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

}  // namespace

ordered_json read_results_json(const std::string& path) {
  const std::string text = read_bounded_file(path, kMaxResultsJsonBytes);
  check_json_depth(text, kMaxJsonDepth, "'" + path + "'");
  ordered_json doc = ordered_json::parse(text, nullptr, false);
  if (doc.is_discarded()) throw UsageError("'" + path + "' is not valid JSON");
  return doc;
}

ordered_json ResultFolder::machines(const std::string& path) {
  const fs::path file = fs::path(path) / "machine.json";
  if (!fs::exists(file)) return ordered_json::array();
  ordered_json list = read_results_json(file.string());
  return list.is_array() ? list : ordered_json::array();
}

void ResultFolder::add_machine(const ordered_json& machine) const {
  ordered_json list = machines(path_);
  if (add_unique_machine(list, machine)) {
    write_file_atomically((fs::path(path_) / "machine.json").string(), list.dump(2) + "\n");
  }
}

std::string csv_header(const ordered_json& row) {
  std::string header;
  for (auto it = row.begin(); it != row.end(); ++it) {
    if (!header.empty()) header += ',';
    header += csv_cell(it.key());
  }
  return header;
}

std::string csv_line(const ordered_json& row, const ordered_json& layout) {
  std::string line;
  for (auto it = layout.begin(); it != layout.end(); ++it) {
    if (it != layout.begin()) line += ',';
    const auto cell = row.find(it.key());
    line += cell == row.end() ? std::string() : csv_cell(*cell);
  }
  return line;
}

std::string csv_cell(const ordered_json& value) {
  if (value.is_null()) return "";
  if (value.is_string()) {
    const std::string& s = value.get_ref<const std::string&>();
    if (s.find_first_of(",\"\n") == std::string::npos) return s;
    std::string quoted = "\"";
    for (char c : s) {
      if (c == '"') quoted += '"';
      quoted += c;
    }
    return quoted + "\"";
  }
  if (value.is_number_float()) return fmt::format("{:.10g}", value.get<double>());
  if (value.is_boolean()) return value.get<bool>() ? "true" : "false";
  return value.dump();
}

ResultFolder::ResultFolder(std::string path) : path_(std::move(path)) {
  std::error_code ec;
  fs::create_directories(path_, ec);
  if (ec || !fs::is_directory(path_)) {
    throw UsageError("output folder '" + path_ +
                     "' cannot be created: " + (ec ? ec.message() : "not a folder"));
  }
  const fs::path probe = fs::path(path_) / (".gb-write-test-" + std::to_string(::getpid()));
  std::FILE* f = std::fopen(probe.c_str(), "w");
  if (!f) {
    throw UsageError("output folder '" + path_ + "' cannot be written: " + std::strerror(errno));
  }
  std::fclose(f);
  fs::remove(probe, ec);
  // Checked at open, not after a run was measured: the columns are the same for every run.
  const fs::path csv = fs::path(path_) / "summary.csv";
  if (fs::exists(csv) && read_first_line(csv) != csv_header(summary_row(RunSummary{}))) {
    throw UsageError("'" + csv.string() +
                     "' was written by a different greenbatch version (other columns); "
                     "choose another --out folder");
  }
  lock_fd_ = lock_for_writing((fs::path(path_) / ".gb-write.lock").string(), path_, LockHint::kNone,
                              false);
  remove_dead_temporaries(path_);
}

ResultFolder::~ResultFolder() { release_writing_lock(lock_fd_); }

std::string ResultFolder::claim_run_id() const {
  const fs::path dir(path_);
  std::size_t last = 0;
  std::ifstream csv(dir / "summary.csv");
  std::string line;
  if (std::getline(csv, line)) {
    while (std::getline(csv, line)) last += !line.empty();
  }
  // The ids claimed so far, recorded before any row of their run.
  std::ifstream claimed(dir / kLastRunFile);
  std::size_t recorded = 0;
  if (claimed >> recorded) last = std::max(last, recorded);
  const std::size_t id = last + 1;
  write_file_atomically((dir / kLastRunFile).string(), std::to_string(id) + "\n");
  return "run-" + std::to_string(id);
}

void ResultFolder::append(const RunSummary& summary, const RunTrace& trace,
                          const std::vector<PowerSample>& samples,
                          const std::vector<std::string>& domains, bool write_traces) const {
  const fs::path dir(path_);
  const ordered_json row = summary_row(summary);
  const std::string header = csv_header(row);
  const fs::path csv = dir / "summary.csv";
  const bool csv_exists = fs::exists(csv);
  if (csv_exists && read_first_line(csv) != header) {
    throw UsageError("'" + csv.string() +
                     "' was written by a different greenbatch version (other columns); "
                     "choose another --out folder");
  }
  const std::string& id = summary.run_id;

  if (write_traces) {
    const bool requests_exist = fs::exists(dir / "requests.csv");
    write_file_atomically(
        (dir / "requests.csv").string(),
        [&](std::ostream& out) {
          if (!requests_exist) out << "run_id,id,scheduled_s,released_s,batch,start_s,end_s\n";
          fmt::memory_buffer buf;
          for_each_request(trace, [&](const RequestRow& r) {
            fmt::format_to(std::back_inserter(buf), "{},{},{:.9f},{:.9f},{},{:.9f},{:.9f}\n", id,
                           r.id, r.scheduled_s, r.released_s, r.batch, r.start_s, r.end_s);
            if (buf.size() > (1 << 20)) {
              out.write(buf.data(), static_cast<std::streamsize>(buf.size()));
              buf.clear();
            }
          });
          out.write(buf.data(), static_cast<std::streamsize>(buf.size()));
        },
        kAppend);
    const bool power_exists = fs::exists(dir / "power.csv");
    write_file_atomically((dir / "power.csv").string(),
                          [&](std::ostream& out) {
                            if (!power_exists) out << "run_id,t_s,domain,watts\n";
                            for (const PowerSample& s : samples) {
                              out << fmt::format("{},{:.6f},{},{:.3f}\n", id, to_seconds(s.t),
                                                 s.meter < domains.size() ? domains[s.meter] : "?",
                                                 s.watts);
                            }
                          },
                          kAppend);
  }

  ordered_json all = ordered_json::array();
  if (fs::exists(dir / "summary.json")) {
    all = read_results_json((dir / "summary.json").string());
    if (!all.is_array()) all = ordered_json::array({all});
  }
  all.push_back(summary_document(summary));
  write_file_atomically((dir / "summary.json").string(), all.dump(2) + "\n");

  const std::string line = csv_line(row, row) + "\n";
  write_file_atomically(
      csv.string(), [&](std::ostream& out) { out << (csv_exists ? "" : header + "\n") << line; },
      kAppend);
}

}  // namespace gb
