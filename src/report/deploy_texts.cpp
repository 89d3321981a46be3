#include "report/deploy_texts.h"

#include <fmt/format.h>

#include "common/control_chars.h"
#include "common/device.h"
#include "common/errors.h"
#include "common/parse.h"
#include "common/version.h"
#include "models/model_info.h"
#include "results/levers.h"

namespace gb {
namespace {

bool plain_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-';
}

std::string without_controls(std::string_view text) {
  return replace_controls(std::string(text), '?');
}

// `text` as '# ' lines of at most 100 columns, broken between words.
std::string comment(std::string_view text) {
  std::string out, line;
  std::size_t at = 0;
  while (at < text.size()) {
    std::size_t end = text.find(' ', at);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view word = text.substr(at, end - at);
    if (!line.empty() && line.size() + 1 + word.size() > 98) {
      out += "# " + line + "\n";
      line.clear();
    }
    line += (line.empty() ? "" : " ") + std::string(word);
    at = end + 1;
  }
  if (!line.empty()) out += "# " + line + "\n";
  return out;
}

// A Markdown table cell: a '|' would end it, even inside a code span.
std::string cell(const std::string& text) {
  std::string out;
  for (char c : text) out += c == '|' ? std::string("\\|") : std::string(1, c);
  return out;
}

std::string ms(double s) { return fmt::format("{:.1f} ms", s * 1e3); }

std::string cost_text(const SimulatedCost& c) {
  return fmt::format("{:.4g} J/image (estimate), max {}, p99 {}", c.energy_per_image_j, ms(c.max_s),
                     ms(c.p99_s));
}

std::string versus(const WorkloadExport& w, const SimulatedCost& c) {
  if (!w.cost || w.cost->energy_per_image_j <= 0) return "";
  return fmt::format(" ({:+.1f} % energy against {} simulated the same way)",
                     100 * (c.energy_per_image_j / w.cost->energy_per_image_j - 1),
                     w.recommended.policy);
}

// How the results got the recommended policy's figures.
std::string as_run(const ConfigPoint& r) { return r.simulated ? "Simulated" : "Measured"; }
std::string as_run_lower(const ConfigPoint& r) { return r.simulated ? "simulated" : "measured"; }

std::string budget(const WorkloadExport& w) { return format_duration(from_seconds(w.slo_s)); }

// What a server's file says first: whose settings these are, where they come from, whether they
// are the recommended policy's exactly, and what they cost.
std::string header(const WorkloadExport& w, const ServerExport& s, const char* what) {
  const ConfigPoint& r = w.recommended;
  std::string t = comment(fmt::format(
      "{} for model {}{}, {}, written by greenbatch {} (report --export-configs) from the "
      "recommendation {}: the least energy per image with max and p99 response within {}.",
      what, w.name, display(r.model) == w.name ? "" : " (" + display(r.model) + ")",
      workload_label(r), kVersion, r.policy, budget(w)));
  const Equivalent& e = s.equivalent;
  t += comment(fmt::format("{}: {}.", e.exact ? "Exact" : "Closest, not exact", e.why));
  t += comment("As a greenbatch policy: " + e.policy.canonical());
  if (e.exact) {
    t += comment(fmt::format("{}: {:.4g} J/image ({}), max {}, p99 {}.", as_run(r),
                             r.energy_per_image_j, display(r.energy_method), ms(r.max_response_s),
                             ms(r.p99_response_s)));
  } else if (s.cost) {
    t += comment(fmt::format("Simulated: {}{}; {} the budget. {}", cost_text(*s.cost),
                             versus(w, *s.cost), s.cost->meets_slo ? "meets" : "MISSES",
                             s.cost_note));
  } else {
    t += comment(s.cost_note);
  }
  return t;
}

const ServerExport& server(const WorkloadExport& w, Server which) {
  for (const ServerExport& s : w.servers) {
    if (s.equivalent.server == which) return s;
  }
  throw std::logic_error("export without a server");
}

std::string torchserve_query(const WorkloadExport& w) {
  const PolicySpec& p = server(w, Server::kTorchServe).equivalent.policy;
  return fmt::format(
      "url={0}.mar&model_name={0}&batch_size={1}&max_batch_delay={2}"
      "&initial_workers=1",
      w.name, p.size, torchserve_delay_ms(p));
}

std::string setting(const WorkloadExport& w, Server which) {
  const PolicySpec& p = server(w, which).equivalent.policy;
  switch (which) {
    case Server::kTriton: {
      std::string sizes;
      for (std::size_t n : triton_preferred(p))
        sizes += (sizes.empty() ? "" : ", ") + std::to_string(n);
      return fmt::format(
          "max_batch_size {}, preferred_batch_size [{}], "
          "max_queue_delay_microseconds {}",
          p.size, sizes, triton_delay_us(p));
    }
    case Server::kTorchServe:
      return fmt::format("batch_size {}, max_batch_delay {}", p.size, torchserve_delay_ms(p));
    case Server::kServe:
      return "--policy " + p.canonical();
  }
  return "";
}

}  // namespace

std::string sanitised_name(std::string_view model) {
  std::string_view base = model;
  if (model.find('/') != std::string_view::npos || model.find('.') != std::string_view::npos) {
    if (const std::size_t slash = base.rfind('/'); slash != std::string_view::npos) {
      base = base.substr(slash + 1);
    }
    if (const std::size_t dot = base.rfind('.'); dot != std::string_view::npos && dot > 0) {
      base = base.substr(0, dot);
    }
  }
  std::string s;
  for (char c : base.substr(0, 64)) s += plain_name_char(c) ? c : '_';
  if (s.empty() || s[0] == '-') s = "m" + s;
  return s.substr(0, 64);
}

std::string sanitised_word(std::string_view text) {
  std::string s;
  for (char c : text.substr(0, 40)) s += plain_name_char(c) ? c : '_';
  return s.empty() ? "x" : s;
}

std::string display(std::string_view text) {
  std::string s = without_controls(text.substr(0, 256));
  if (text.size() > 256) s += "...";
  for (char& c : s) {
    if (c == '`' || c == '|') c = '?';
  }
  return s;
}

std::string shell_quote(std::string_view word) {
  bool plain = !word.empty();
  for (char c : word) {
    plain = plain &&
            (plain_name_char(c) || std::string_view("./:=,@%+").find(c) != std::string_view::npos);
  }
  if (plain) return std::string(word);
  std::string q = "'";
  for (char c : word) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

std::string workload_label(const ConfigPoint& p) {
  return fmt::format("{}, {} arrivals at {}", display(p.device), display(p.arrival),
                     p.rate_label());
}

std::string triton_config(const WorkloadExport& w) {
  const ServerExport& s = server(w, Server::kTriton);
  const PolicySpec& p = s.equivalent.policy;
  std::string t = header(w, s, "Triton model configuration");
  if (w.recommended.model == "noop") {
    t += comment(
        "noop is greenbatch's no-op model: there is no network to deploy, only these "
        "batching settings.");
  }
  t += comment(fmt::format(
      "A Triton model repository: put the TorchScript model at {}/1/model.pt beside this file "
      "(torch.jit.save). Its input is one preprocessed image per request (resize 256, centre crop "
      "224, ImageNet mean and std), as greenbatch measured them{}.",
      w.name,
      find_builtin(w.recommended.model) || w.recommended.model == "noop"
          ? ""
          : "; set the output dims to your model's number of outputs"));
  t += fmt::format("name: \"{}\"\nplatform: \"pytorch_libtorch\"\nmax_batch_size: {}\n", w.name,
                   p.size);
  t += "input [\n  {\n    name: \"INPUT__0\"\n    data_type: TYPE_FP32\n"
       "    dims: [ 3, 224, 224 ]\n  }\n]\n";
  t += "output [\n  {\n    name: \"OUTPUT__0\"\n    data_type: TYPE_FP32\n"
       "    dims: [ 1000 ]\n  }\n]\n";
  try {
    const Device d = Device::parse(w.recommended.device);
    t += comment("One model instance, as greenbatch measured.");
    t += "instance_group [\n  {\n    count: 1\n";
    t += d.is_cuda() ? fmt::format("    kind: KIND_GPU\n    gpus: [ {} ]\n", d.index)
                     : std::string("    kind: KIND_CPU\n");
    t += "  }\n]\n";
  } catch (const UsageError&) {
    t += comment("The results name a device greenbatch does not know: add an instance_group.");
  }
  std::string sizes;
  for (std::size_t n : triton_preferred(p))
    sizes += (sizes.empty() ? "" : ", ") + std::to_string(n);
  t += fmt::format(
      "dynamic_batching {{\n  preferred_batch_size: [ {} ]\n  max_queue_delay_microseconds: "
      "{}\n}}\n",
      sizes, triton_delay_us(p));
  return t;
}

std::string torchserve_properties(const WorkloadExport& w) {
  const ServerExport& s = server(w, Server::kTorchServe);
  const PolicySpec& p = s.equivalent.policy;
  std::string t = header(w, s, "TorchServe config.properties lines");
  t += comment(fmt::format(
      "Put {0}.mar in the model store (torch-model-archiver --model-name {0} --version 1.0 "
      "--serialized-file model.pt --handler H, with a handler that takes a list of requests: "
      "TorchServe hands it up to {1} at once). One worker, as greenbatch measured one model "
      "instance.",
      w.name, p.size));
  t += fmt::format("load_models={0}={0}.mar\n", w.name);
  t += fmt::format(
      "models={{\\\n  \"{0}\": {{\\\n    \"1.0\": {{\\\n        \"defaultVersion\": true,\\\n"
      "        \"marName\": \"{0}.mar\",\\\n        \"minWorkers\": 1,\\\n"
      "        \"maxWorkers\": 1,\\\n        \"batchSize\": {1},\\\n"
      "        \"maxBatchDelay\": {2},\\\n        \"responseTimeout\": 120\\\n    }}\\\n  "
      "}}\\\n}}\n",
      w.name, p.size, torchserve_delay_ms(p));
  return t;
}

std::string torchserve_register(const WorkloadExport& w) {
  std::string t = header(w, server(w, Server::kTorchServe), "TorchServe registration");
  t += comment(
      "The same settings through TorchServe's management API (port 8081 by default), "
      "instead of config.properties:");
  t += "POST /models?" + torchserve_query(w) + "\n";
  t += "curl -X POST \"http://127.0.0.1:8081/models?" + torchserve_query(w) + "\"\n";
  return t;
}

std::string serve_command(const WorkloadExport& w) {
  const ServerExport& s = server(w, Server::kServe);
  const PolicySpec& p = s.equivalent.policy;
  std::string t = header(w, s, "greenbatch serve command");
  std::string line = "greenbatch serve --model " +
                     shell_quote(without_controls(w.recommended.model)) + " --policy " +
                     shell_quote(p.canonical());
  if (p.needs_costs()) {
    if (w.profile.empty()) {
      t +=
          comment(fmt::format("{} needs the model's profile: greenbatch profile --model {} --out "
                              "PROFILE.json",
                              p.kind_name(), shell_quote(without_controls(w.recommended.model))));
    }
    line += " --profile " +
            shell_quote(w.profile.empty() ? "PROFILE.json" : without_controls(w.profile));
  }
  // The engine and precision measured, which serve prepares the same way (the GPU's setting it
  // does not apply: the export's README says so).
  for (std::size_t i = 0; i < levers().size() && i < w.recommended.levers.size(); ++i) {
    const Lever& l = levers()[i];
    const std::string& v = w.recommended.levers[i];
    if ((l.name == "engine" || l.name == "precision") && v != l.baseline) {
      line += " --" + std::string(l.name) + " " + shell_quote(without_controls(v));
    }
  }
  try {
    line += " --device " + Device::parse(w.recommended.device).text;
  } catch (const UsageError&) {
    t += comment("The results name a device greenbatch does not know: add --device.");
  }
  return t + line + " --port 8000\n";
}

std::string export_readme(const std::vector<WorkloadExport>& workloads,
                          const std::vector<std::string>& notes) {
  std::string t = "# Deployment configs from greenbatch's recommendations\n\n";
  t += fmt::format(
      "Written by `greenbatch report --export-configs` (greenbatch {}). Per model and workload, "
      "the recommended policy (the least energy per image whose max and p99 response meet the "
      "budget) as Triton, TorchServe and `greenbatch serve` settings. **Exact**: the server's rule "
      "makes the same decisions whenever the model is free (docs/policies.md), so the "
      "recommendation's own figures apply. **Closest**: no exact equivalent exists; the setting is "
      "chosen as docs/report.md says, and its cost is *simulated* from the model's profile (energy "
      "method "
      "`estimate`, a prediction, never a measurement), next to the recommended policy simulated "
      "the same way.\n",
      kVersion);
  for (const WorkloadExport& w : workloads) {
    const ConfigPoint& r = w.recommended;
    t += fmt::format("\n## {} — {} (`{}/`)\n\n", w.name, workload_label(r), w.folder);
    if (display(r.model) != w.name)
      t += fmt::format("Model in the results: `{}`.\n", display(r.model));
    t += fmt::format("Recommended: `{}`, {} {:.4g} J/image ({}), max {}, p99 {}; budget {}.\n",
                     r.policy, as_run_lower(r), r.energy_per_image_j, display(r.energy_method),
                     ms(r.max_response_s), ms(r.p99_response_s), budget(w));
    if (w.cost) {
      t += fmt::format("Simulated from `{}`: {}.\n", display(w.profile), cost_text(*w.cost));
    }
    t += "\n| server | setting | as a greenbatch policy | | simulated | meets budget |\n"
         "|---|---|---|---|---|---|\n";
    for (const ServerExport& s : w.servers) {
      const Equivalent& e = s.equivalent;
      std::string sim = "-", meets = "-";
      if (s.cost) {
        sim = cost_text(*s.cost) + versus(w, *s.cost);
        meets = s.cost->meets_slo ? "yes" : "**no**";
      }
      t += fmt::format("| {} | `{}` | `{}` | {} | {} | {} |\n", server_label(e.server),
                       cell(setting(w, e.server)), cell(e.policy.canonical()),
                       e.exact ? "exact" : "closest", cell(sim), meets);
    }
    t += "\n";
    for (const ServerExport& s : w.servers) {
      const Equivalent& e = s.equivalent;
      t += fmt::format("- {}: {}.{}{}\n", server_label(e.server), e.why,
                       s.cost_note.empty() ? "" : " ", s.cost_note);
    }
    t += fmt::format(
        "\nFiles: `{0}/triton/{1}/config.pbtxt`, `{0}/torchserve/config.properties`, "
        "`{0}/torchserve/register.txt`, `{0}/serve.txt`.\n",
        w.folder, w.name);
  }
  if (!notes.empty()) {
    t += "\n## Notes\n\n";
    for (const std::string& n : notes) t += "- " + display(n) + "\n";
  }
  return t;
}

}  // namespace gb
