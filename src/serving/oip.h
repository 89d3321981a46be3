// The Open Inference Protocol (KServe v2) over HTTP/REST, as messages: an inference request parsed
// once, at the edge, into typed tensors, and the response written back. Both the JSON form and
// Triton's binary tensor data extension (Inference-Header-Content-Length: the JSON header, then
// each binary tensor in input order; a BYTES element is a 4-byte little-endian length and its
// bytes) are read. Field names, datatypes and the error body follow the protocol's spec
// (kserve/open-inference-protocol; docs/serving.md lists what is covered).
//
// Guarantees: parse_infer_request() either returns a request whose every input has a known
// datatype, a shape whose element count matches its data, and data within `limits`, or throws
// ProtocolError with the HTTP status to answer (400, 413) and one line naming the problem.
// Nothing it allocates is sized by a number in the message before that number is checked
// against the bytes actually present. BYTES elements in JSON are base64 strings.
#pragma once

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace gb::oip {

enum class DataType {
  kBool,
  kUint8,
  kUint16,
  kUint32,
  kUint64,
  kInt8,
  kInt16,
  kInt32,
  kInt64,
  kFp16,
  kFp32,
  kFp64,
  kBytes
};
// "FP32" -> kFp32 ...; nullopt for a name the protocol does not define.
std::optional<DataType> parse_datatype(std::string_view name);
const char* datatype_name(DataType type);

// A request the server answers with `status` and {"error": message}.
class ProtocolError : public std::runtime_error {
 public:
  ProtocolError(int status, const std::string& message)
      : std::runtime_error(message), status_(status) {}
  int status() const { return status_; }

 private:
  int status_;
};

struct Tensor {
  std::string name;
  DataType datatype = DataType::kFp32;
  std::vector<int64_t> shape;
  std::vector<float> fp32;         // datatype FP32
  std::vector<std::string> bytes;  // datatype BYTES, one string per element
  std::size_t elements() const;    // product of shape
};

struct InferRequest {
  std::string id;  // "" when absent
  std::vector<Tensor> inputs;
  std::vector<std::string> outputs;  // the requested outputs' names; empty: every output
  bool binary_output = false;        // parameters.binary_data_output, or any output's binary_data
  std::optional<int64_t> top_k;      // parameters.top_k
};

struct RequestLimits {
  std::size_t max_elements = 64u << 20;  // of all inputs together
  std::size_t max_inputs = 16;
  std::size_t max_rank = 8;
};

// `header_length`: the Inference-Header-Content-Length header's value as sent ("" when absent).
InferRequest parse_infer_request(std::string_view body, std::string_view header_length,
                                 const RequestLimits& limits);

struct OutputTensor {
  std::string name;
  DataType datatype = DataType::kFp32;  // FP32 or INT64
  std::vector<int64_t> shape;
  std::vector<float> fp32;
  std::vector<int64_t> int64;
};

struct InferResponse {
  std::string model_name;
  std::string id;
  std::vector<OutputTensor> outputs;
  nlohmann::ordered_json parameters = nlohmann::ordered_json::object();  // omitted when empty
};

struct EncodedResponse {
  std::string body;
  std::string content_type;                  // application/json or application/octet-stream
  std::optional<std::size_t> header_length;  // set when binary: Inference-Header-Content-Length
};
EncodedResponse encode_infer_response(const InferResponse& response, bool binary);

// {"error": message}, escaped as JSON.
std::string error_body(std::string_view message);

// Base64 (RFC 4648, padded); decode throws ProtocolError(400) on anything else.
std::string base64_encode(std::string_view bytes);
std::string base64_decode(std::string_view text);

}  // namespace gb::oip
