#include "results/run_timeline.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>

#include "common/errors.h"
#include "common/files.h"
#include "results/result_store.h"
#include "results/sqlite.h"
#include "results/store_format.h"

namespace gb {
namespace {

namespace fs = std::filesystem;

// Times and powers beyond these are not a run's (and keep sums finite).
constexpr double kMaxAbsSeconds = 1e9, kMaxAbsWatts = 1e7;

bool number(const std::string& text, double lo, double hi, double* out) {
  if (text.empty()) return false;
  char* end = nullptr;
  errno = 0;
  const double v = std::strtod(text.c_str(), &end);
  if (errno != 0 || end != text.c_str() + text.size() || !std::isfinite(v) || v < lo || v > hi) {
    return false;
  }
  *out = v;
  return true;
}

std::vector<std::string> split(const std::string& line) {
  std::vector<std::string> cells(1);
  for (char c : line) {
    if (c == ',') {
      cells.emplace_back();
    } else if (c != '\r') {
      cells.back() += c;
    }
  }
  return cells;
}

// Calls `row` with the cells of each line of a CSV file after its header, and the header's column
// positions by name. Lines over kTimelineLineBytes are skipped; reading stops after
// kTimelineFileBytes (then `truncated`). A missing file reads as empty.
using Columns = std::vector<std::pair<std::string, std::size_t>>;
void read_csv(const fs::path& path, RunTimeline& out,
              const std::function<void(const std::vector<std::string>&, const Columns&)>& row) {
  std::error_code ec;
  if (!fs::exists(path, ec)) return;
  if (!fs::is_regular_file(path, ec)) {
    throw UsageError("'" + path.string() + "' is not a regular file");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw UsageError("cannot read '" + path.string() + "': " + std::strerror(errno));
  Columns columns;
  std::uintmax_t read = 0;
  std::vector<char> buffer(kTimelineLineBytes + 2);
  bool header = true;
  while (in) {
    in.getline(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    const std::streamsize got = in.gcount();
    read += static_cast<std::uintmax_t>(got);
    if (in.fail() && !in.eof() && got == static_cast<std::streamsize>(buffer.size()) - 1) {
      // Longer than a line of ours: skip the rest of it.
      in.clear();
      in.ignore(std::numeric_limits<std::streamsize>::max(), '\n');
      ++out.skipped_rows;
      if (header) return;  // no header we can read: no columns
      continue;
    }
    if (got == 0 && in.eof()) break;
    const std::string line(buffer.data());
    if (header) {
      const auto names = split(line);
      for (std::size_t i = 0; i < names.size(); ++i) columns.push_back({names[i], i});
      header = false;
    } else if (!line.empty()) {
      row(split(line), columns);
    }
    if (read > kTimelineFileBytes) {
      out.truncated = true;
      break;
    }
  }
}

// The cell of column `name`, or nullptr.
const std::string* cell(const std::vector<std::string>& cells, const Columns& columns,
                        const char* name) {
  for (const auto& [n, i] : columns) {
    if (n == name) return i < cells.size() ? &cells[i] : nullptr;
  }
  return nullptr;
}

std::size_t bin_of(double t, double t0, double t1) {
  if (!(t1 > t0)) return 0;
  const double f = (t - t0) / (t1 - t0) * static_cast<double>(kTimelineBins);
  return std::min(kTimelineBins - 1, static_cast<std::size_t>(std::max(0.0, f)));
}

}  // namespace

void finish_timeline_domain(RunTimeline& out, const std::string& domain,
                            const std::vector<TimelineBin>& bins) {
  TimelineDomain d;
  d.domain = domain.substr(0, kTimelineNameChars);
  for (const TimelineBin& b : bins) {
    if (b.n == 0) continue;
    const double n = static_cast<double>(b.n);
    d.samples.push_back({b.t / n, b.watts / n});
    out.samples += b.n;
  }
  std::sort(d.samples.begin(), d.samples.end(),
            [](const TimelineSample& a, const TimelineSample& b) { return a.t_s < b.t_s; });
  if (!d.samples.empty()) out.domains.push_back(std::move(d));
}

RunTimeline read_folder_timeline(const std::string& folder, const std::string& run_id) {
  RunTimeline out;
  const fs::path power = fs::path(folder) / "power.csv",
                 requests = fs::path(folder) / "requests.csv";
  for (const fs::path& p : {power, requests}) check_link_stays_inside(p.string(), folder);
  // Two passes over the samples: their time range, then the bins, so none is held.
  struct Sample {
    std::string domain;
    double t, watts;
  };
  const auto parse = [&](const std::vector<std::string>& cells, const Columns& c, Sample* s) {
    const std::string *id = cell(cells, c, "run_id"), *t = cell(cells, c, "t_s"),
                      *d = cell(cells, c, "domain"), *w = cell(cells, c, "watts");
    if (!id || *id != run_id) return false;
    if (!t || !d || !w || !number(*t, -kMaxAbsSeconds, kMaxAbsSeconds, &s->t) ||
        !number(*w, -kMaxAbsWatts, kMaxAbsWatts, &s->watts)) {
      ++out.skipped_rows;
      return false;
    }
    s->domain = d->substr(0, kTimelineNameChars);
    return true;
  };
  double t0 = INFINITY, t1 = -INFINITY;
  RunTimeline scratch;  // the first pass's counts are not the result's
  read_csv(power, scratch, [&](const auto& cells, const Columns& c) {
    Sample s;
    if (parse(cells, c, &s)) t0 = std::min(t0, s.t), t1 = std::max(t1, s.t);
  });
  out.skipped_rows = 0;
  std::vector<std::pair<std::string, std::vector<TimelineBin>>> bins;
  read_csv(power, out, [&](const auto& cells, const Columns& c) {
    Sample s;
    if (!parse(cells, c, &s)) return;
    auto it =
        std::find_if(bins.begin(), bins.end(), [&](const auto& b) { return b.first == s.domain; });
    if (it == bins.end()) {
      if (bins.size() >= kTimelineDomains) {
        out.truncated = true;
        return;
      }
      bins.push_back({s.domain, std::vector<TimelineBin>(kTimelineBins)});
      it = bins.end() - 1;
    }
    TimelineBin& b = it->second[bin_of(s.t, t0, t1)];
    ++b.n, b.t += s.t, b.watts += s.watts;
  });
  for (const auto& [domain, b] : bins) finish_timeline_domain(out, domain, b);

  std::vector<BatchSpan> batches;
  read_csv(requests, out, [&](const auto& cells, const Columns& c) {
    const std::string *id = cell(cells, c, "run_id"), *batch = cell(cells, c, "batch"),
                      *start = cell(cells, c, "start_s"), *end = cell(cells, c, "end_s");
    if (!id || *id != run_id) return;
    double b = 0, s = 0, e = 0;
    if (!batch || !start || !end || !number(*batch, 0, 1e15, &b) ||
        !number(*start, -kMaxAbsSeconds, kMaxAbsSeconds, &s) ||
        !number(*end, -kMaxAbsSeconds, kMaxAbsSeconds, &e)) {
      ++out.skipped_rows;
      return;
    }
    if (b >= static_cast<double>(kTimelineBatches)) {
      out.truncated = true;
      return;
    }
    const auto index = static_cast<std::size_t>(b);
    if (index >= batches.size()) batches.resize(index + 1, {INFINITY, -INFINITY, 0});
    BatchSpan& span = batches[index];
    span.start_s = std::min(span.start_s, s), span.end_s = std::max(span.end_s, e);
    ++span.requests;
  });
  for (const BatchSpan& b : batches) {
    if (b.requests > 0) out.batches.push_back(b);
  }
  std::sort(out.batches.begin(), out.batches.end(),
            [](const BatchSpan& a, const BatchSpan& b) { return a.start_s < b.start_s; });
  return out;
}

// A member of ResultStore, here beside the folder's reader: the same bounds, in SQL, so that
// SQLite bins the samples and nothing holds them all.
RunTimeline ResultStore::timeline(const std::string& config_id) const {
  using sqlite::Statement;
  RunTimeline out;
  const auto table = [&](const char* name) {
    return version_ == 2 ? std::string("main.") + name
                         : "(" + rows_as_current(name, "main.", version_) + ")";
  };
  const std::string valid_power =
      " WHERE config_id = ?1 AND t_s BETWEEN -1e9 AND 1e9 AND watts BETWEEN -1e7 AND 1e7";
  Statement range(db_.get(),
                  "SELECT COUNT(*), MIN(t_s), MAX(t_s) FROM " + table("power") + valid_power);
  range.bind(1, config_id);
  // No samples (a simulated run): the batches still say when it was busy.
  if (range.step() && range.column_int(0) > 0) {
    const double t0 = range.column_double(1), t1 = range.column_double(2);
    const double width = t1 > t0 ? (t1 - t0) / static_cast<double>(kTimelineBins) : 1;
    Statement bins(db_.get(),
                   "SELECT substr(domain, 1, " + std::to_string(kTimelineNameChars) +
                       "), MIN(?3 - 1, CAST((t_s - ?2) / ?4 AS INTEGER)) AS bin, COUNT(*), "
                       "SUM(t_s), SUM(watts) FROM " +
                       table("power") + valid_power + " GROUP BY 1, 2 ORDER BY 1, 2");
    bins.bind(1, config_id).bind(2, t0).bind(3, static_cast<int64_t>(kTimelineBins)).bind(4, width);
    std::string domain;
    std::vector<TimelineBin> binned;
    bool first = true;
    while (bins.step()) {
      const std::string d = bins.column_text(0);
      if (first || d != domain) {
        if (!first) finish_timeline_domain(out, domain, binned);
        if (out.domains.size() >= kTimelineDomains) {
          out.truncated = true;
          first = true;
          break;
        }
        domain = d, binned.assign(kTimelineBins, {}), first = false;
      }
      const auto b = static_cast<std::size_t>(
          std::clamp<int64_t>(bins.column_int(1), 0, static_cast<int64_t>(kTimelineBins) - 1));
      binned[b].n += static_cast<std::size_t>(bins.column_int(2));
      binned[b].t += bins.column_double(3), binned[b].watts += bins.column_double(4);
    }
    if (!first) finish_timeline_domain(out, domain, binned);
  }
  Statement batches(db_.get(),
                    "SELECT MIN(start_s), MAX(end_s), COUNT(*) FROM " + table("requests") +
                        " WHERE config_id = ?1 AND start_s BETWEEN -1e9 AND 1e9 AND end_s BETWEEN "
                        "-1e9 AND 1e9 GROUP BY batch ORDER BY 1 LIMIT ?2");
  batches.bind(1, config_id).bind(2, static_cast<int64_t>(kTimelineBatches) + 1);
  while (batches.step()) {
    if (out.batches.size() == kTimelineBatches) {
      out.truncated = true;
      break;
    }
    out.batches.push_back({batches.column_double(0), batches.column_double(1),
                           static_cast<std::size_t>(batches.column_int(2))});
  }
  return out;
}

}  // namespace gb
