#include "profile/profile.h"

#include <algorithm>
#include <cmath>

#include "common/errors.h"
#include "common/files.h"
#include "common/parse.h"
#include "common/statistics.h"

namespace gb {

using nlohmann::ordered_json;

namespace {

// A profile holds every measured service time (a few MB for a long profiling session); a file
// over this is not one.
constexpr std::uintmax_t kMaxProfileBytes = 256ULL << 20;  // 256 MiB

// Checked even though from_json checks every file: profiles are also built in memory (by
// `greenbatch profile` and by tests), and from_seconds of NaN is undefined. The value itself is
// converted as before (truncated, not rounded), so cost tables and every simulated figure stay
// exactly what they were.
Nanos nanos(double seconds, const ProfiledBatch& b, const char* field) {
  seconds_to_nanos(seconds, "batch size " + std::to_string(b.size) + ": " + field);
  return from_seconds(seconds);
}

BatchCostPoint back_to_back_point(const ProfiledBatch& b) {
  return {b.size, nanos(b.service_mean_s, b, "service_mean_s"),
          nanos(b.service_max_s, b, "service_max_s"), b.dynamic_j};
}

BatchCostPoint isolated_point(const ProfiledBatch& b) {
  if (!b.has_isolated()) return back_to_back_point(b);
  return {b.size, nanos(b.service_isolated_mean_s, b, "service_isolated_mean_s"),
          nanos(b.service_isolated_max_s, b, "service_isolated_max_s"), b.dynamic_isolated_j};
}

BatchCostPoint short_gap_point(const ProfiledBatch& b) {
  if (!b.has_short_gap()) return back_to_back_point(b);
  return {b.size, nanos(b.service_short_gap_mean_s, b, "service_short_gap_mean_s"),
          nanos(b.service_short_gap_max_s, b, "service_short_gap_max_s"), b.dynamic_j};
}

template <typename PointOf>
std::shared_ptr<const BatchCosts> table(const std::vector<ProfiledBatch>& batches, PointOf point) {
  std::vector<BatchCostPoint> points;
  for (const ProfiledBatch& b : batches) points.push_back(point(b));
  return std::make_shared<const BatchCosts>(std::move(points));
}

// The range checks of from_json. `where` is "profile 'FILE': FIELD", so every message names
// the file and the field.
void check_seconds(double seconds, const std::string& where) { seconds_to_nanos(seconds, where); }

void check_seconds(const std::vector<double>& seconds, const std::string& where) {
  for (std::size_t k = 0; k < seconds.size(); ++k) {
    check_seconds(seconds[k], where + "[" + std::to_string(k) + "]");
  }
}

void check_finite(double v, const std::string& where) {
  if (!std::isfinite(v)) throw UsageError(where + ": not a finite number");
}

// A batch's numbers, once parsed: everything the simulator and the policies later turn into
// Nanos or sum as energy.
void check_batch(const ProfiledBatch& b, const std::string& where) {
  check_seconds(b.service_mean_s, where + ".service_mean_s");
  check_seconds(b.service_p50_s, where + ".service_p50_s");
  check_seconds(b.service_p99_s, where + ".service_p99_s");
  check_seconds(b.service_max_s, where + ".service_max_s");
  check_seconds(b.service_isolated_mean_s, where + ".service_isolated_mean_s");
  check_seconds(b.service_isolated_max_s, where + ".service_isolated_max_s");
  check_seconds(b.service_short_gap_mean_s, where + ".service_short_gap_mean_s");
  check_seconds(b.service_short_gap_max_s, where + ".service_short_gap_max_s");
  check_seconds(b.service_s, where + ".service_s");
  check_seconds(b.service_isolated_s, where + ".service_isolated_s");
  check_seconds(b.service_short_gap_s, where + ".service_short_gap_s");
  check_finite(b.energy_j, where + ".energy_j");
  check_finite(b.dynamic_j, where + ".dynamic_j");
  check_finite(b.dynamic_isolated_j, where + ".dynamic_isolated_j");
  if (b.dynamic_ci95_j) check_finite(*b.dynamic_ci95_j, where + ".dynamic_ci95_j");
}

}  // namespace

void ProfiledBatchBuilder::add_window(const std::vector<double>& service_s, double gross_j,
                                      double dynamic_j) {
  if (service_s.empty()) return;
  const double k = static_cast<double>(service_s.size());
  b_.service_s.insert(b_.service_s.end(), service_s.begin(), service_s.end());
  b_.batches += service_s.size();
  ++b_.windows;
  gross_per_batch_.push_back(gross_j / k);
  dynamic_per_batch_.push_back(dynamic_j / k);
}

void ProfiledBatchBuilder::add_isolated(const std::vector<double>& service_s, double dynamic_j) {
  b_.service_isolated_s.insert(b_.service_isolated_s.end(), service_s.begin(), service_s.end());
  b_.isolated_batches += service_s.size();
  isolated_dynamic_j_ += dynamic_j;
}

void ProfiledBatchBuilder::add_short_gap(const std::vector<double>& service_s) {
  b_.service_short_gap_s.insert(b_.service_short_gap_s.end(), service_s.begin(), service_s.end());
}

ProfiledBatch ProfiledBatchBuilder::build() const {
  if (b_.windows == 0) {
    throw UsageError("batch size " + std::to_string(b_.size) + " has no measured window");
  }
  ProfiledBatch out = b_;
  out.energy_j = mean_ci95(gross_per_batch_).mean;
  const MeanCi dynamic = mean_ci95(dynamic_per_batch_);
  out.dynamic_j = dynamic.mean;
  out.dynamic_ci95_j = dynamic.ci95;
  const Distribution d = describe_distribution(out.service_s);
  out.service_mean_s = d.mean;
  out.service_p50_s = d.p50;
  out.service_p99_s = d.p99;
  out.service_max_s = d.max;
  if (out.isolated_batches > 0) {
    out.dynamic_isolated_j = isolated_dynamic_j_ / static_cast<double>(out.isolated_batches);
    const Distribution iso = describe_distribution(out.service_isolated_s);
    out.service_isolated_mean_s = iso.mean;
    out.service_isolated_max_s = iso.max;
  }
  if (out.has_short_gap()) {
    const Distribution slack = describe_distribution(out.service_short_gap_s);
    out.service_short_gap_mean_s = slack.mean;
    out.service_short_gap_max_s = slack.max;
  }
  return out;
}

std::shared_ptr<const BatchCosts> ServiceProfile::costs() const {
  const auto policy_table = table(batches, [](const ProfiledBatch& b) {
    const BatchCostPoint busy = back_to_back_point(b), lone = isolated_point(b),
                         slack = short_gap_point(b);
    return BatchCostPoint{
        b.size, std::max({busy.service_mean, lone.service_mean, slack.service_mean}),
        std::max({busy.service_max, lone.service_max, slack.service_max}), lone.dynamic_j};
  });
  return std::make_shared<const BatchCosts>(policy_table->with_model(cost_model()));
}

std::shared_ptr<const BatchCostModel> ServiceProfile::cost_model() const {
  return std::make_shared<const BatchCostModel>(*back_to_back_costs(), *short_gap_costs(),
                                                *isolated_costs(), from_seconds(isolation_gap_s),
                                                idle_power_w);
}

std::shared_ptr<const BatchCosts> ServiceProfile::back_to_back_costs() const {
  return table(batches, back_to_back_point);
}

std::shared_ptr<const BatchCosts> ServiceProfile::isolated_costs() const {
  return table(batches, isolated_point);
}

std::shared_ptr<const BatchCosts> ServiceProfile::short_gap_costs() const {
  return table(batches, short_gap_point);
}

ordered_json ServiceProfile::to_json() const {
  ordered_json doc;
  doc["format"] = "greenbatch-profile/1";
  doc["model"] = model;
  doc["device"] = device;
  doc["device_name"] = device_name;
  doc["threads"] = threads;
  doc["images"] = images;
  doc["energy_method"] = energy_method;
  doc["energy_detail"] = energy_detail;
  doc["idle_power_w"] = idle_power_w;
  doc["isolation_gap_s"] = isolation_gap_s;
  doc["short_gap_s"] = short_gap_s;
  doc["created_utc"] = created_utc;
  // Only when set, so that profiles of an untouched GPU stay as they were.
  if (gpu.power_limit_mw) doc["power_limit"] = power_limit_text(gpu.power_limit_mw);
  if (gpu.clocks_mhz) doc["gpu_clocks"] = gpu_clocks_text(gpu.clocks_mhz);
  ordered_json list = ordered_json::array();
  for (const ProfiledBatch& b : batches) {
    ordered_json e;
    e["size"] = b.size;
    e["batches"] = b.batches;
    e["windows"] = b.windows;
    e["service_mean_s"] = b.service_mean_s;
    e["service_p50_s"] = b.service_p50_s;
    e["service_p99_s"] = b.service_p99_s;
    e["service_max_s"] = b.service_max_s;
    e["energy_j"] = b.energy_j;
    e["dynamic_j"] = b.dynamic_j;
    e["dynamic_ci95_j"] =
        b.dynamic_ci95_j ? ordered_json(*b.dynamic_ci95_j) : ordered_json(nullptr);
    e["energy_per_image_j"] = b.energy_j / static_cast<double>(b.size);
    e["isolated_batches"] = b.isolated_batches;
    e["service_isolated_mean_s"] = b.service_isolated_mean_s;
    e["service_isolated_max_s"] = b.service_isolated_max_s;
    e["dynamic_isolated_j"] = b.dynamic_isolated_j;
    e["service_short_gap_mean_s"] = b.service_short_gap_mean_s;
    e["service_short_gap_max_s"] = b.service_short_gap_max_s;
    e["service_s"] = b.service_s;
    e["service_isolated_s"] = b.service_isolated_s;
    e["service_short_gap_s"] = b.service_short_gap_s;
    list.push_back(e);
  }
  doc["batches"] = list;
  doc["machine"] = machine;
  return doc;
}

ServiceProfile ServiceProfile::from_json(const ordered_json& doc, const std::string& source) {
  const auto field = [&](const std::string& name) { return "profile '" + source + "': " + name; };
  const auto bad = [&](const std::string& why) { return UsageError(field(why)); };
  if (!doc.is_object() || doc.value("format", "") != "greenbatch-profile/1") {
    throw bad("not a greenbatch profile (format greenbatch-profile/1)");
  }
  ServiceProfile p;
  try {
    p.model = doc.at("model").get<std::string>();
    p.device = doc.value("device", "");
    p.device_name = doc.value("device_name", "");
    p.threads = doc.value("threads", 0);
    p.images = doc.value("images", "");
    p.energy_method = doc.at("energy_method").get<std::string>();
    p.energy_detail = doc.value("energy_detail", "");
    p.idle_power_w = doc.at("idle_power_w").get<double>();
    p.isolation_gap_s = doc.value("isolation_gap_s", 0.0);
    p.short_gap_s = doc.value("short_gap_s", 0.0);
    p.created_utc = doc.value("created_utc", "");
    p.machine = doc.value("machine", ordered_json::object());
    p.gpu.power_limit_mw =
        parse_power_limit(doc.value("power_limit", "default"), field("power_limit"));
    p.gpu.clocks_mhz = parse_gpu_clocks(doc.value("gpu_clocks", "default"), field("gpu_clocks"));
    for (const auto& e : doc.at("batches")) {
      const std::string where = "batches[" + std::to_string(p.batches.size()) + "]";
      ProfiledBatch b;
      const ordered_json& size = e.at("size");
      if (!size.is_number_integer()) throw bad(where + ".size: not an integer");
      // Checked as a double so that a negative size cannot wrap around to a huge one.
      b.size = static_cast<std::size_t>(
          check_range(size.get<double>(), field(where + ".size"), 1, kMaxProfiledBatch, ""));
      b.batches = e.value("batches", std::size_t{0});
      b.windows = e.value("windows", std::size_t{0});
      b.service_mean_s = e.at("service_mean_s").get<double>();
      b.service_p50_s = e.value("service_p50_s", b.service_mean_s);
      b.service_p99_s = e.value("service_p99_s", b.service_mean_s);
      b.service_max_s = e.value("service_max_s", b.service_p99_s);
      b.energy_j = e.at("energy_j").get<double>();
      b.dynamic_j = e.at("dynamic_j").get<double>();
      if (e.contains("dynamic_ci95_j") && e["dynamic_ci95_j"].is_number()) {
        b.dynamic_ci95_j = e["dynamic_ci95_j"].get<double>();
      }
      b.service_s = e.value("service_s", std::vector<double>{});
      b.isolated_batches = e.value("isolated_batches", std::size_t{0});
      b.service_isolated_mean_s = e.value("service_isolated_mean_s", 0.0);
      b.service_isolated_max_s = e.value("service_isolated_max_s", 0.0);
      b.dynamic_isolated_j = e.value("dynamic_isolated_j", 0.0);
      b.service_isolated_s = e.value("service_isolated_s", std::vector<double>{});
      b.service_short_gap_s = e.value("service_short_gap_s", std::vector<double>{});
      b.service_short_gap_mean_s = e.value("service_short_gap_mean_s", 0.0);
      b.service_short_gap_max_s = e.value("service_short_gap_max_s", 0.0);
      p.batches.push_back(std::move(b));
    }
  } catch (const nlohmann::json::exception& e) {
    throw bad(std::string("malformed: ") + e.what());
  }
  check_range(p.idle_power_w, field("idle_power_w"), 0, 1e6, "W");
  check_seconds(p.isolation_gap_s, field("isolation_gap_s"));
  check_seconds(p.short_gap_s, field("short_gap_s"));
  for (std::size_t i = 0; i < p.batches.size(); ++i) {
    check_batch(p.batches[i], field("batches[" + std::to_string(i) + "]"));
  }
  if (p.batches.empty()) throw bad("no batch sizes");
  for (std::size_t i = 1; i < p.batches.size(); ++i) {
    if (p.batches[i].size <= p.batches[i - 1].size) throw bad("batch sizes must increase");
  }
  return p;
}

ServiceProfile ServiceProfile::load(const std::string& path) {
  std::string text;
  try {
    text = read_bounded_file(path, kMaxProfileBytes);
  } catch (const UsageError& e) {
    throw UsageError(std::string("profile ") + e.what());
  }
  check_json_depth(text, kMaxJsonDepth, "profile '" + path + "'");
  const ordered_json doc = ordered_json::parse(text, nullptr, false);
  if (doc.is_discarded()) throw UsageError("profile '" + path + "' is not valid JSON");
  return from_json(doc, path);
}

void ServiceProfile::save(const std::string& path) const {
  write_file_atomically(path, to_json().dump(1) + "\n");
}

std::shared_ptr<const BatchCosts> load_costs(const std::string& path, const std::string& model) {
  if (path.empty()) return nullptr;
  const ServiceProfile p = ServiceProfile::load(path);
  if (p.model != model) {
    throw UsageError("profile '" + path + "' is of model '" + p.model + "', not '" + model + "'");
  }
  return p.costs();
}

}  // namespace gb
