// The client's side of the Open Inference Protocol for `greenbatch load`: a model's metadata read
// once (what it takes), the requests built from it ahead of the run, and each answer checked.
//
// What is sent (docs/serving.md, "What load sends"): when the model has a BYTES input, each
// request carries one encoded image (the image set's bytes as they are) in it; otherwise an FP32
// input of shape [1,3,224,224] (or [3,224,224] for a model without a batch dimension) carries
// the image decoded and preprocessed here, once, before the run. Binary tensors by default;
// JSON (base64 for BYTES) on request.
//
// Guarantees: parse_model_metadata() throws UsageError naming what a server's metadata lacks;
// check_answer() never throws: a malformed answer is reported as such.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "inference/image_set.h"
#include "serving/oip.h"

namespace gb {

struct ModelInput {
  std::string name;
  oip::DataType datatype = oip::DataType::kFp32;
  std::vector<int64_t> shape;  // -1: variable
};

struct ModelMetadata {
  std::string name;
  std::string platform;
  std::vector<ModelInput> inputs;
  std::string policy;  // greenbatch serve says its batching policy; "" for other servers
};

// `origin` names where the document came from in messages (the URL).
ModelMetadata parse_model_metadata(std::string_view body, const std::string& origin);

enum class WireFormat { kBinary, kJson };

struct WireRequest {
  std::string body;
  std::string content_type;
  std::string header_length;  // Inference-Header-Content-Length; "" for JSON
};

// One request per image of `images`, for the input the model takes (see above); UsageError when
// it takes none that load can send.
std::vector<WireRequest> build_requests(const ModelMetadata& model, const ImageSet& images,
                                        WireFormat format);
// Which input build_requests() fills, and how, for the record ("image BYTES [1], binary").
std::string describe_requests(const ModelMetadata& model, WireFormat format);

// What a 200 answer says, when it says it (greenbatch serve's parameters).
struct Answer {
  bool valid = false;  // a JSON object with an "outputs" array
  std::string error;   // why not, or the "error" of a non-200 answer
  std::optional<uint64_t> batch;
  std::optional<std::size_t> batch_size;
  std::optional<double> queue_s, service_s;
};
// `header_length`: the answer's Inference-Header-Content-Length ("" when absent).
Answer check_answer(std::string_view body, std::string_view header_length);

}  // namespace gb
