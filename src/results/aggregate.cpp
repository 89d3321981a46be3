#include "results/aggregate.h"

#include <fstream>
#include <map>

#include "common/errors.h"
#include "common/statistics.h"
#include "results/result_folder.h"

namespace gb {

using nlohmann::ordered_json;

std::vector<ordered_json> aggregate_configurations(const std::vector<StoredRun>& runs) {
  // Repetitions of one configuration share model, device, arrival, rate and policy.
  std::map<std::string, std::vector<const ordered_json*>> groups;
  std::vector<std::string> order;
  for (const StoredRun& r : runs) {
    const ordered_json& s = r.summary;
    const std::string key = s.value("model", "") + "|" + s.value("device", "") + "|" +
                            s.value("arrival", "") + "|" + s["rate_hz"].dump() + "|" +
                            s.value("policy", "");
    if (!groups.count(key)) order.push_back(key);
    groups[key].push_back(&s);
  }
  std::vector<ordered_json> rows;
  for (const std::string& key : order) {
    const auto& members = groups[key];
    ordered_json row;
    for (auto it = members.front()->begin(); it != members.front()->end(); ++it) {
      if (it->is_structured()) continue;  // settings, distributions: not columns
      if (it->is_number() && !it.key().empty() && it.key() != "seed" && it.key() != "Batch Size") {
        std::vector<double> values;
        for (const ordered_json* m : members) {
          const auto& v = (*m)[it.key()];
          if (v.is_number()) values.push_back(v.get<double>());
        }
        row[it.key()] =
            values.empty() ? ordered_json(nullptr) : ordered_json(mean_ci95(values).mean);
      } else {
        row[it.key()] = *it;
      }
    }
    row["repetitions"] = members.size();
    for (const char* col : {"energy_per_image_j", "p99_response_s", "max_response_s"}) {
      std::vector<double> values;
      for (const ordered_json* m : members) values.push_back((*m)[col].get<double>());
      const MeanCi ci = mean_ci95(values);
      row[std::string(col) + "_ci95"] = ci.ci95 ? ordered_json(*ci.ci95) : ordered_json(nullptr);
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

void write_csv(const std::string& path, const std::vector<ordered_json>& rows) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    if (!out) throw UsageError("cannot write '" + path + "'");
    if (!rows.empty()) {
      std::string header;
      for (auto it = rows.front().begin(); it != rows.front().end(); ++it) {
        header += (header.empty() ? "" : ",") + csv_cell(it.key());
      }
      out << header << "\n";
      for (const ordered_json& row : rows) {
        std::string line;
        bool first = true;
        for (auto it = rows.front().begin(); it != rows.front().end(); ++it) {
          line += (first ? "" : ",") + csv_cell(row.contains(it.key()) ? row[it.key()] : nullptr);
          first = false;
        }
        out << line << "\n";
      }
    }
    if (!out.flush()) throw RunError("write failed for '" + tmp + "'");
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) throw RunError("cannot rename '" + tmp + "'");
}

}  // namespace gb
