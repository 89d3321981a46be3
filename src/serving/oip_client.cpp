#include "serving/oip_client.h"

#include <cstring>

#include "common/errors.h"
#include "inference/image.h"
#include "inference/preprocess.h"

namespace gb {
namespace {

using nlohmann::json;
using nlohmann::ordered_json;

constexpr int64_t kImageFloats = 3 * kCropSize * kCropSize;

// The input load fills: the first BYTES input, else the first FP32 one shaped like an image.
const ModelInput* chosen_input(const ModelMetadata& m) {
  for (const ModelInput& in : m.inputs) {
    if (in.datatype == oip::DataType::kBytes) return &in;
  }
  for (const ModelInput& in : m.inputs) {
    const auto& s = in.shape;
    const auto fits = [](int64_t d, int64_t want) { return d == -1 || d == want; };
    const std::size_t r = s.size();
    if (in.datatype == oip::DataType::kFp32 && (r == 3 || r == 4) && fits(s[r - 3], 3) &&
        fits(s[r - 2], kCropSize) && fits(s[r - 1], kCropSize) && (r == 3 || fits(s[0], 1))) {
      return &in;
    }
  }
  return nullptr;
}

const ModelInput& require_input(const ModelMetadata& m) {
  if (const ModelInput* in = chosen_input(m)) return *in;
  std::string inputs;
  for (const ModelInput& in : m.inputs) {
    inputs += (inputs.empty() ? "" : ", ") + in.name + " " + oip::datatype_name(in.datatype);
  }
  throw UsageError("model '" + m.name + "' takes " + (inputs.empty() ? "no inputs" : inputs) +
                   ": load sends a BYTES input of encoded images, or FP32 [N,3,224,224]");
}

}  // namespace

ModelMetadata parse_model_metadata(std::string_view body, const std::string& origin) {
  const json doc = json::parse(body.begin(), body.end(), nullptr, false);
  if (!doc.is_object()) throw UsageError(origin + ": the model metadata is not a JSON object");
  ModelMetadata m;
  const auto str = [&](const json& o, const char* key) {
    const auto it = o.find(key);
    return it != o.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  m.name = str(doc, "name");
  m.platform = str(doc, "platform");
  const auto inputs = doc.find("inputs");
  if (inputs == doc.end() || !inputs->is_array()) {
    throw UsageError(origin + ": the model metadata has no 'inputs' array");
  }
  for (const json& in : *inputs) {
    ModelInput mi;
    mi.name = in.is_object() ? str(in, "name") : "";
    const auto type = oip::parse_datatype(in.is_object() ? str(in, "datatype") : "");
    const auto shape = in.is_object() ? in.find("shape") : in.end();
    if (mi.name.empty() || !type || shape == in.end() || !shape->is_array()) {
      throw UsageError(origin + ": a model input lacks a name, a known datatype or a shape");
    }
    mi.datatype = *type;
    for (const json& d : *shape) {
      if (!d.is_number_integer())
        throw UsageError(origin + ": input '" + mi.name + "' has a bad shape");
      mi.shape.push_back(d.get<int64_t>());
    }
    m.inputs.push_back(std::move(mi));
  }
  if (const auto p = doc.find("parameters"); p != doc.end() && p->is_object()) {
    m.policy = str(*p, "greenbatch_policy");
  }
  return m;
}

std::string describe_requests(const ModelMetadata& m, WireFormat format) {
  const ModelInput& in = require_input(m);
  const bool bytes = in.datatype == oip::DataType::kBytes;
  return in.name + (bytes ? " BYTES [1] (an encoded image)" : " FP32 (preprocessed here)") +
         (format == WireFormat::kBinary ? ", binary tensors" : ", JSON");
}

std::vector<WireRequest> build_requests(const ModelMetadata& m, const ImageSet& images,
                                        WireFormat format) {
  const ModelInput& in = require_input(m);
  const bool bytes = in.datatype == oip::DataType::kBytes;
  std::vector<int64_t> shape =
      bytes ? std::vector<int64_t>{1} : std::vector<int64_t>{1, 3, kCropSize, kCropSize};
  if (!bytes && in.shape.size() == 3) shape.erase(shape.begin());
  std::vector<WireRequest> out;
  for (std::size_t i = 0; i < images.size(); ++i) {
    std::string data;
    if (bytes) {
      data.assign(images.bytes(i).begin(), images.bytes(i).end());
    } else {
      const auto& b = images.bytes(i);
      std::vector<float> pixels(kImageFloats);
      preprocess_into(decode_image(b.data(), b.size(), images.name(i)), pixels.data());
      data.assign(reinterpret_cast<const char*>(pixels.data()), pixels.size() * sizeof(float));
    }
    ordered_json input = {
        {"name", in.name}, {"shape", shape}, {"datatype", oip::datatype_name(in.datatype)}};
    WireRequest r;
    if (format == WireFormat::kBinary) {
      std::string tail;
      if (bytes) {
        const uint32_t len = static_cast<uint32_t>(data.size());
        tail.append(reinterpret_cast<const char*>(&len), 4);
      }
      tail += data;
      input["parameters"] = {{"binary_data_size", tail.size()}};
      r.body = ordered_json{{"inputs", {input}}}.dump();
      r.header_length = std::to_string(r.body.size());
      r.body += tail;
      r.content_type = "application/octet-stream";
    } else {
      if (bytes) {
        input["data"] = {oip::base64_encode(data)};
      } else {
        std::vector<float> pixels(kImageFloats);
        std::memcpy(pixels.data(), data.data(), data.size());
        input["data"] = pixels;
      }
      r.body = ordered_json{{"inputs", {input}}}.dump();
      r.content_type = "application/json";
    }
    out.push_back(std::move(r));
  }
  return out;
}

Answer check_answer(std::string_view body, std::string_view header_length) {
  Answer a;
  std::string_view text = body;
  if (!header_length.empty()) {
    const auto n = header_length.find_first_not_of("0123456789") == std::string_view::npos &&
                           header_length.size() < 19
                       ? std::stoull(std::string(header_length))
                       : body.size() + 1;
    if (n > body.size()) {
      a.error = "Inference-Header-Content-Length exceeds the body";
      return a;
    }
    text = body.substr(0, n);
  }
  const json doc = json::parse(text.begin(), text.end(), nullptr, false);
  if (!doc.is_object()) {
    a.error = "the answer is not a JSON object";
    return a;
  }
  if (const auto e = doc.find("error"); e != doc.end() && e->is_string()) {
    a.error = e->get<std::string>().substr(0, 300);
  }
  const auto outputs = doc.find("outputs");
  a.valid = outputs != doc.end() && outputs->is_array();
  if (!a.valid && a.error.empty()) a.error = "the answer has no 'outputs' array";
  if (const auto p = doc.find("parameters"); p != doc.end() && p->is_object()) {
    const auto number = [&](const char* key) -> std::optional<double> {
      const auto it = p->find(key);
      return it != p->end() && it->is_number() ? std::optional<double>(it->get<double>())
                                               : std::nullopt;
    };
    if (auto b = number("greenbatch_batch")) a.batch = static_cast<uint64_t>(*b);
    if (auto b = number("greenbatch_batch_size")) a.batch_size = static_cast<std::size_t>(*b);
    a.queue_s = number("greenbatch_queue_s");
    a.service_s = number("greenbatch_service_s");
  }
  return a;
}

}  // namespace gb
