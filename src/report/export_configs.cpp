#include "report/export_configs.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

#include "common/errors.h"
#include "common/files.h"
#include "profile/profile.h"
#include "results/attach_profiles.h"
#include "results/levers.h"
#include "sim/simulator.h"

namespace gb {
namespace fs = std::filesystem;
namespace {

struct Profiled {
  std::string path;
  ServiceProfile profile;
};

// Every profile given; two of one identity (the same file twice too) are one too many.
std::vector<Profiled> load_profiles(const std::vector<std::string>& paths) {
  std::vector<Profiled> out;
  for (const std::string& path : paths) {
    ServiceProfile p = ServiceProfile::load(path);
    for (const Profiled& q : out) {
      if (profile_identity(q.profile) == profile_identity(p)) {
        throw UsageError("two profiles of " + display(profile_identity(p)) + " given (" + q.path +
                         " and " + path + ")");
      }
    }
    out.push_back(Profiled{path, std::move(p)});
  }
  return out;
}

// A point's model and lever values as a spec, for profile_serves; none when a value from the
// results is not one this greenbatch reads (then no profile serves it).
std::optional<RunSpec> lever_spec(const ConfigPoint& p) {
  RunSpec spec;
  spec.model.name = p.model;
  try {
    for (std::size_t i = 0; i < levers().size() && i < p.levers.size(); ++i) {
      levers()[i].set(spec, p.levers[i], levers()[i].name);
    }
  } catch (const UsageError&) {
    return std::nullopt;
  }
  return spec;
}

// The profile that serves the recommended point: its model and its lever values.
const Profiled* profile_for(const ConfigPoint& p, const std::vector<Profiled>& profiles) {
  const std::optional<RunSpec> spec = lever_spec(p);
  if (!spec) return nullptr;
  for (const Profiled& q : profiles) {
    if (profile_serves(q.profile, *spec)) return &q;
  }
  return nullptr;
}

// "optimized, bf16, 200W limit": what the recommendation sets beyond its batching policy.
std::string levers_off_baseline(const ConfigPoint& p) {
  std::string out;
  for (std::size_t i = 0; i < levers().size() && i < p.levers.size(); ++i) {
    const Lever& l = levers()[i];
    if (p.levers[i] == l.baseline) continue;
    // threads record the count run: a lever the server config holds, not a setting to carry.
    if (l.name == "threads") continue;
    out += (out.empty() ? "" : ", ") + display(l.describe(p.levers[i]));
  }
  return out;
}

// The recommended run's workload, to simulate other policies on; none, with the reason, when
// the results do not say enough to make it again.
std::optional<RunSpec> workload(const ConfigPoint& p, std::string& why) {
  if (p.arrival.rfind("trace:", 0) == 0) {
    why = "its arrivals came from a trace file, which the export does not read back";
    return std::nullopt;
  }
  if (p.requests == 0) {
    why = "the results do not say how many requests the run had";
    return std::nullopt;
  }
  RunSpec spec;
  try {
    spec.set_arrival(p.arrival, p.rate_hz.value_or(0));
  } catch (const UsageError& e) {
    why = "its arrivals cannot be made again (" + display(e.what()) + ")";
    return std::nullopt;
  }
  spec.model.name = p.model;
  spec.requests = std::min(p.requests, kMaxExportSimulatedRequests);
  spec.seed = p.seed.value_or(1);
  return spec;
}

SimulatedCost simulate(RunSpec spec, const PolicySpec& policy, const ServiceProfile& profile,
                       double slo_s) {
  spec.policy = policy;
  const RunSummary s = simulate_run(spec, profile).summary;
  return {s.energy_per_image_j(), s.response_s.max, s.response_s.p99,
          s.response_s.max <= slo_s && s.response_s.p99 <= slo_s};
}

// The closest setting of a server with no counterpart: of candidates(), the least energy per
// image among those that meet the budget in simulation, else the least max response.
void search(ServerExport& s, const RunSpec& spec, const ServiceProfile& profile, double slo_s,
            std::size_t max_batch) {
  const std::vector<PolicySpec> tried = candidates(s.equivalent.server, max_batch, slo_s);
  std::size_t meeting = 0, best = tried.size(), nearest = 0;
  std::vector<SimulatedCost> costs;
  for (std::size_t i = 0; i < tried.size(); ++i) {
    costs.push_back(simulate(spec, tried[i], profile, slo_s));
    const SimulatedCost& c = costs.back();
    if (c.meets_slo) {
      ++meeting;
      if (best == tried.size() || c.energy_per_image_j < costs[best].energy_per_image_j) best = i;
    }
    if (c.max_s < costs[nearest].max_s) nearest = i;
  }
  const std::string range =
      fmt::format("{} settings tried (max 1 to {}, delay {} to 3/4 of the budget)", tried.size(),
                  max_batch, s.equivalent.server == Server::kTriton ? "0" : "1 ms");
  const std::size_t pick = best < tried.size() ? best : nearest;
  s.equivalent.policy = tried[pick];
  s.cost = costs[pick];
  s.cost_note = best < tried.size()
                    ? fmt::format(
                          "Chosen in simulation: the least energy per image of the {} of "
                          "the {} that meet the budget.",
                          meeting, range)
                    : fmt::format(
                          "None of the {} meets the budget in simulation; this one comes "
                          "nearest (the least max response).",
                          range);
}

// Fills the costs of `w`: the recommended policy and every translation that is not exact,
// simulated on the recommended run's workload with the model's profile; the reason otherwise.
void cost(WorkloadExport& w, const std::vector<Profiled>& profiles,
          std::vector<std::string>& notes) {
  const ConfigPoint& r = w.recommended;
  std::string why;
  std::optional<RunSpec> spec;
  const Profiled* it = profile_for(r, profiles);
  const bool of_model = std::any_of(profiles.begin(), profiles.end(),
                                    [&](const Profiled& q) { return q.profile.model == r.model; });
  if (!it) {
    why = of_model ? fmt::format(
                         "the profiles of {} given were measured at other lever values "
                         "than the recommendation's, and a profile predicts only its own",
                         w.name)
                   : fmt::format(
                         "no profile of {} was given (report --profile P.json, made by greenbatch "
                         "profile)",
                         w.name);
  } else {
    spec = workload(r, why);
  }
  if (spec) {
    const ServiceProfile& profile = it->profile;
    w.profile = it->path;
    if (!profile.device.empty() && profile.device != r.device) {
      notes.push_back(
          fmt::format("{}: the profile was made on {}, the results on {}; the "
                      "simulated figures are the profile's device's",
                      w.folder, display(profile.device), display(r.device)));
    }
    if (spec->requests < r.requests) {
      notes.push_back(fmt::format("{}: simulated over the first {} of the run's {} requests",
                                  w.folder, spec->requests, r.requests));
    }
    w.cost = simulate(*spec, *r.policy_spec, profile, w.slo_s);
  }
  for (ServerExport& s : w.servers) {
    const Equivalent& e = s.equivalent;
    if (e.exact) continue;
    if (!spec) {
      s.cost_note = (e.search ? "Without a profile to search with: " + e.fallback + ". " : "") +
                    "No simulated cost: " + why + ".";
    } else if (e.search) {
      search(s, *spec, it->profile, w.slo_s, r.policy_spec->max_batch());
    } else {
      s.cost = simulate(*spec, e.policy, it->profile, w.slo_s);
    }
  }
}

std::string unique(std::set<std::string>& taken, const std::string& name) {
  std::string candidate = name;
  for (int i = 2; !taken.insert(candidate).second; ++i) candidate = name + "-" + std::to_string(i);
  return candidate;
}

[[noreturn]] void refuse(const fs::path& p, const std::string& why) {
  throw UsageError("--export-configs: '" + p.string() + "' " + why);
}

}  // namespace

void check_export_folder(const std::string& out) {
  if (out.empty()) throw UsageError("--export-configs needs a folder");
  std::error_code ec;
  const fs::path p(out);
  if (fs::is_symlink(p, ec)) refuse(p, "is a symbolic link; give a real folder");
  if (fs::exists(p, ec) && !fs::is_directory(p, ec)) {
    refuse(p, "exists and is not a folder; give a new folder or one written before");
  }
  fs::path existing = fs::absolute(p, ec);
  while (!fs::exists(existing, ec) && existing.has_parent_path() &&
         existing.parent_path() != existing) {
    existing = existing.parent_path();
  }
  if (!fs::is_directory(existing, ec)) refuse(existing, "is not a folder, so OUT cannot be made");
  if (::access(existing.c_str(), W_OK | X_OK) != 0) {
    refuse(existing, "is not writable; give a folder you can write");
  }
}

ExportPlan plan_export(const std::vector<Recommendation>& recommendations,
                       const ExportOptions& options) {
  ExportPlan plan;
  plan.out = options.out;
  const std::vector<Profiled> profiles = load_profiles(options.profiles);
  std::set<std::string> folders, models;
  for (const Recommendation& r : recommendations) {
    models.insert(r.model);
    const std::string where = fmt::format("{} {}", sanitised_name(r.model), r.rate_label);
    if (!r.best) {
      plan.notes.push_back(where + ": nothing exported, no configuration meets the budget");
      continue;
    }
    if (!r.best->policy_spec) {
      plan.notes.push_back(where +
                           ": nothing exported, its policy is not one this greenbatch "
                           "reads");
      continue;
    }
    WorkloadExport w;
    w.recommended = *r.best;
    w.slo_s = options.slo_s;
    w.name = sanitised_name(r.model);
    const std::string rate =
        r.best->rate_hz ? fmt::format("{:g}rps", *r.best->rate_hz) : std::string("offline");
    w.folder = unique(folders, fmt::format("{}.{}.{}.{}", w.name, sanitised_word(r.device),
                                           sanitised_word(r.arrival), sanitised_word(rate)));
    const MeasuredRun run{options.slo_s, r.best->max_queue_wait_s};
    for (Server s : kServers)
      w.servers.push_back({translate(s, *r.best->policy_spec, run), {}, ""});
    cost(w, profiles, plan.notes);
    // The servers' configs hold the batching; the rest of the recommendation is the model's and
    // the GPU's to be given the same way, and is said rather than silently left out.
    if (const std::string off = levers_off_baseline(*r.best); !off.empty()) {
      plan.notes.push_back(w.folder + ": the recommendation also sets " + off +
                           ", which these configs do not carry: prepare the model (and the GPU) "
                           "so, as greenbatch measured it");
    }
    plan.files.emplace_back(w.folder + "/triton/" + w.name + "/config.pbtxt", triton_config(w));
    plan.files.emplace_back(w.folder + "/torchserve/config.properties", torchserve_properties(w));
    plan.files.emplace_back(w.folder + "/torchserve/register.txt", torchserve_register(w));
    plan.files.emplace_back(w.folder + "/serve.txt", serve_command(w));
    plan.workloads.push_back(std::move(w));
  }
  for (const Profiled& p : profiles) {
    if (!models.count(p.profile.model)) {
      plan.notes.push_back(fmt::format("the profile {} is of {}, which the results do not hold",
                                       p.path, display(p.profile.model)));
    }
  }
  plan.files.emplace_back("README.md", export_readme(plan.workloads, plan.notes));
  return plan;
}

void check_export_targets(const ExportPlan& plan) {
  check_export_folder(plan.out);
  std::error_code ec;
  std::set<fs::path> folders;
  for (const auto& [path, text] : plan.files) {
    for (fs::path d = fs::path(path).parent_path(); !d.empty(); d = d.parent_path()) {
      folders.insert(d);
    }
  }
  for (const fs::path& d : folders) {
    const fs::path p = fs::path(plan.out) / d;
    if (fs::is_symlink(p, ec))
      refuse(p,
             "is a symbolic link; the export does not write through "
             "links (remove it)");
    if (fs::exists(p, ec) && !fs::is_directory(p, ec)) refuse(p, "is in the way: not a folder");
  }
  for (const auto& [path, text] : plan.files) {
    const fs::path p = fs::path(plan.out) / path;
    if (fs::is_symlink(p, ec))
      refuse(p,
             "is a symbolic link; the export does not write through "
             "links (remove it)");
    if (fs::is_directory(p, ec)) refuse(p, "is in the way: a folder");
  }
}

void write_export(const ExportPlan& plan) {
  check_export_targets(plan);
  for (const auto& [path, text] : plan.files) {
    const fs::path p = fs::path(plan.out) / path;
    std::error_code ec;
    fs::create_directories(p.parent_path(), ec);
    if (ec) throw RunError("cannot create '" + p.parent_path().string() + "': " + ec.message());
    write_file_atomically(p.string(), text);
  }
}

std::vector<std::string> export_summary(const ExportPlan& plan) {
  std::vector<std::string> lines;
  for (const WorkloadExport& w : plan.workloads) {
    std::string line = fmt::format("{} {}:", w.name, w.recommended.rate_label());
    for (const ServerExport& s : w.servers) {
      line += fmt::format(" {} {}", server_label(s.equivalent.server),
                          s.equivalent.exact ? "exact" : "closest");
      if (s.cost && w.cost && w.cost->energy_per_image_j > 0) {
        line += fmt::format(" ({:+.1f} % simulated{})",
                            100 * (s.cost->energy_per_image_j / w.cost->energy_per_image_j - 1),
                            s.cost->meets_slo ? "" : ", misses the budget");
      }
      line += ",";
    }
    line.back() = ' ';
    lines.push_back(line + "-> " + (fs::path(plan.out) / w.folder).string() + "/");
  }
  lines.push_back("deployment configs: " + (fs::path(plan.out) / "README.md").string());
  return lines;
}

}  // namespace gb
