#include "report/paper_reference.h"

#include <cmath>
#include <cstdlib>
#include <map>
#include <sstream>

#include "common/parse.h"
#include "report/paper_reference_data.h"  // generated: kPaperReferenceCsv

namespace gb {

const std::vector<PaperPoint>& paper_points() {
  static const std::vector<PaperPoint> points = [] {
    const std::map<std::string, std::string> names = {{"AlexNet", "alexnet"},
                                                      {"DenseNet", "densenet121"},
                                                      {"ShuffleNetV2", "shufflenet_v2_x0_5"},
                                                      {"VisionTransformer", "vit_b_16"},
                                                      {"ConvNeXt", "convnext_base"}};
    std::vector<PaperPoint> out;
    std::istringstream in{std::string(kPaperReferenceCsv)};
    std::string line;
    std::getline(in, line);  // header
    while (std::getline(in, line)) {
      if (line.empty()) continue;
      const std::vector<std::string> f = split(line, ',');
      if (f.size() < 11) continue;
      PaperPoint p;
      p.rate_hz = std::atof(f[0].c_str());
      p.repetition = std::atoi(f[1].c_str());
      auto it = names.find(f[2]);
      p.model = it != names.end() ? it->second : f[2];
      p.policy = f[3] == "greedy" ? "greedy:128" : "fixed:" + f[3];
      p.average_power_w = std::atof(f[5].c_str());
      p.energy_per_image_j = std::atof(f[7].c_str()) / kPaperRequestsPerRun;
      p.mean_response_s = std::atof(f[8].c_str());
      p.max_response_s = std::atof(f[9].c_str());
      const double peak = std::atof(f[10].c_str());  // "nan" where no sample exceeded 65 W
      if (std::isfinite(peak) && f[10] != "nan") p.peak_power_w = peak;
      out.push_back(p);
    }
    return out;
  }();
  return points;
}

}  // namespace gb
