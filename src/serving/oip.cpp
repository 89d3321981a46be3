#include "serving/oip.h"

#include <array>
#include <cstring>
#include <limits>

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
              "the binary tensor extension is little-endian, and so is this code's reading of it");

namespace gb::oip {
namespace {

using nlohmann::json;
using nlohmann::ordered_json;

constexpr std::array<const char*, 13> kNames = {"BOOL", "UINT8", "UINT16", "UINT32", "UINT64",
                                                "INT8", "INT16", "INT32",  "INT64",  "FP16",
                                                "FP32", "FP64",  "BYTES"};
// Nesting deeper than a tensor of the largest rank needs is refused while parsing, before the
// document exists: "[[[[..." cannot build a deep tree.
constexpr int kMaxDepth = 24;

[[noreturn]] void bad(const std::string& message) { throw ProtocolError(400, message); }

json parse_json(std::string_view text) {
  const json::parser_callback_t depth_check = [](int depth, json::parse_event_t, json&) {
    if (depth > kMaxDepth)
      bad("malformed request: JSON nested deeper than " + std::to_string(kMaxDepth) + " levels");
    return true;
  };
  try {
    return json::parse(text.begin(), text.end(), depth_check);
  } catch (const json::parse_error& e) {
    bad(std::string("malformed JSON: ") + e.what());
  }
}

// Bytes of the binary section, consumed in input order.
struct BinaryReader {
  std::string_view rest;
  std::string_view take(uint64_t n, const std::string& input) {
    if (n > rest.size()) {
      bad("input '" + input + "': binary_data_size " + std::to_string(n) + " exceeds the " +
          std::to_string(rest.size()) + " bytes of binary data left in the body");
    }
    std::string_view out = rest.substr(0, n);
    rest.remove_prefix(n);
    return out;
  }
};

std::size_t checked_elements(const json& shape, const std::string& input,
                             const RequestLimits& limits, std::vector<int64_t>* out) {
  if (!shape.is_array()) bad("input '" + input + "': 'shape' must be an array of integers");
  if (shape.size() > limits.max_rank) {
    bad("input '" + input + "': rank " + std::to_string(shape.size()) + " is over " +
        std::to_string(limits.max_rank));
  }
  std::size_t n = 1;
  for (const json& d : shape) {
    if (!d.is_number_integer() || d.get<int64_t>() < 0) {
      bad("input '" + input + "': 'shape' must hold non-negative integers");
    }
    const auto dim = d.get<uint64_t>();
    if (dim != 0 && n > limits.max_elements / dim) {
      bad("input '" + input + "': shape holds more than " + std::to_string(limits.max_elements) +
          " elements");
    }
    n *= static_cast<std::size_t>(dim);
    out->push_back(static_cast<int64_t>(dim));
  }
  return n;
}

// Visits the leaves of `data` (a flat or nested row-major array) in order.
template <typename Leaf>
void for_each_leaf(const json& data, const std::string& input, std::size_t expected, Leaf leaf) {
  if (!data.is_array()) bad("input '" + input + "': 'data' must be an array");
  std::size_t seen = 0;
  std::vector<std::pair<const json*, std::size_t>> stack{{&data, 0}};
  while (!stack.empty()) {
    auto& [node, next] = stack.back();
    if (next == node->size()) {
      stack.pop_back();
      continue;
    }
    const json& v = (*node)[next++];
    if (v.is_array()) {
      stack.emplace_back(&v, 0);
      continue;
    }
    if (++seen > expected) break;
    leaf(v);
  }
  if (seen != expected) {
    bad("input '" + input + "': 'data' holds " + (seen > expected ? "more than " : "") +
        std::to_string(seen) + " elements where its shape says " + std::to_string(expected));
  }
}

void read_fp32(Tensor& t, const json* data, std::optional<std::string_view> binary, std::size_t n) {
  if (binary) {
    if (binary->size() != n * sizeof(float)) {
      bad("input '" + t.name + "': binary_data_size " + std::to_string(binary->size()) +
          " is not " + std::to_string(n) + " FP32 elements (" + std::to_string(n * 4) + " bytes)");
    }
    t.fp32.resize(n);
    std::memcpy(t.fp32.data(), binary->data(), binary->size());
    return;
  }
  for_each_leaf(*data, t.name, n, [&](const json& v) {
    if (!v.is_number()) bad("input '" + t.name + "': FP32 data must be numbers");
    t.fp32.push_back(v.get<float>());
  });
}

void read_bytes(Tensor& t, const json* data, std::optional<std::string_view> binary,
                std::size_t n) {
  if (binary) {
    std::string_view rest = *binary;
    while (!rest.empty()) {
      uint32_t len = 0;
      if (rest.size() < 4) bad("input '" + t.name + "': a BYTES element's length is cut off");
      std::memcpy(&len, rest.data(), 4);
      rest.remove_prefix(4);
      if (len > rest.size()) {
        bad("input '" + t.name + "': a BYTES element of " + std::to_string(len) +
            " bytes runs past its tensor's binary data");
      }
      if (t.bytes.size() == n) break;
      t.bytes.emplace_back(rest.substr(0, len));
      rest.remove_prefix(len);
    }
    if (t.bytes.size() != n || !rest.empty()) {
      bad("input '" + t.name + "': the binary data holds " +
          (rest.empty() ? std::to_string(t.bytes.size()) : "more than " + std::to_string(n)) +
          " BYTES elements where its shape says " + std::to_string(n));
    }
    return;
  }
  for_each_leaf(*data, t.name, n, [&](const json& v) {
    if (!v.is_string()) bad("input '" + t.name + "': BYTES data must be base64 strings");
    t.bytes.push_back(base64_decode(v.get_ref<const std::string&>()));
  });
}

Tensor parse_input(const json& in, BinaryReader& binary, const RequestLimits& limits,
                   std::size_t* budget) {
  if (!in.is_object()) bad("every input must be a JSON object");
  Tensor t;
  const auto name = in.find("name");
  if (name == in.end() || !name->is_string() || name->get_ref<const std::string&>().empty()) {
    bad("an input has no 'name'");
  }
  t.name = name->get<std::string>();
  const auto type = in.find("datatype");
  if (type == in.end() || !type->is_string()) bad("input '" + t.name + "' has no 'datatype'");
  const auto parsed = parse_datatype(type->get_ref<const std::string&>());
  if (!parsed) bad("input '" + t.name + "': unknown datatype '" + type->get<std::string>() + "'");
  t.datatype = *parsed;
  if (t.datatype != DataType::kFp32 && t.datatype != DataType::kBytes) {
    bad("input '" + t.name + "': datatype " + datatype_name(t.datatype) +
        " is not accepted here (FP32 or BYTES)");
  }
  const auto shape = in.find("shape");
  if (shape == in.end()) bad("input '" + t.name + "' has no 'shape'");
  const std::size_t n = checked_elements(*shape, t.name, limits, &t.shape);
  if (n > *budget)
    bad("the inputs hold more than " + std::to_string(limits.max_elements) + " elements together");
  *budget -= n;
  std::optional<std::string_view> bin;
  if (const auto p = in.find("parameters"); p != in.end() && p->is_object()) {
    if (const auto size = p->find("binary_data_size"); size != p->end()) {
      if (!size->is_number_unsigned()) {
        bad("input '" + t.name + "': binary_data_size must be a non-negative integer");
      }
      bin = binary.take(size->get<uint64_t>(), t.name);
    }
  }
  const auto data = in.find("data");
  if (!bin && data == in.end()) bad("input '" + t.name + "' has neither 'data' nor binary data");
  const json* d = bin ? nullptr : &*data;
  if (t.datatype == DataType::kFp32) {
    read_fp32(t, d, bin, n);
  } else {
    read_bytes(t, d, bin, n);
  }
  return t;
}

std::optional<std::size_t> parse_header_length(std::string_view text, std::size_t body) {
  if (text.empty()) return std::nullopt;
  if (text.size() > 19 || text.find_first_not_of("0123456789") != std::string_view::npos ||
      std::stoull(std::string(text)) > body) {
    bad("Inference-Header-Content-Length: '" + std::string(text.substr(0, 40)) +
        "' is not a length within the body's " + std::to_string(body) + " bytes");
  }
  return static_cast<std::size_t>(std::stoull(std::string(text)));
}

}  // namespace

std::optional<DataType> parse_datatype(std::string_view name) {
  for (std::size_t i = 0; i < kNames.size(); ++i) {
    if (name == kNames[i]) return static_cast<DataType>(i);
  }
  return std::nullopt;
}

const char* datatype_name(DataType type) { return kNames.at(static_cast<std::size_t>(type)); }

std::size_t Tensor::elements() const {
  std::size_t n = 1;
  for (int64_t d : shape) n *= static_cast<std::size_t>(d);
  return n;
}

InferRequest parse_infer_request(std::string_view body, std::string_view header_length,
                                 const RequestLimits& limits) {
  std::string_view text = body;
  BinaryReader binary;
  if (const auto length = parse_header_length(header_length, body.size())) {
    text = body.substr(0, *length);
    binary.rest = body.substr(*length);
  }
  const json doc = parse_json(text);
  if (!doc.is_object()) bad("the request must be a JSON object");
  InferRequest r;
  if (const auto id = doc.find("id"); id != doc.end()) {
    if (!id->is_string()) bad("'id' must be a string");
    r.id = id->get<std::string>();
  }
  if (const auto p = doc.find("parameters"); p != doc.end()) {
    if (!p->is_object()) bad("'parameters' must be an object");
    if (const auto k = p->find("top_k"); k != p->end()) {
      if (!k->is_number_integer() || k->get<int64_t>() < 1) {
        bad("parameters.top_k must be an integer of at least 1");
      }
      r.top_k = k->get<int64_t>();
    }
    if (const auto b = p->find("binary_data_output"); b != p->end()) {
      if (!b->is_boolean()) bad("parameters.binary_data_output must be true or false");
      r.binary_output = b->get<bool>();
    }
  }
  const auto inputs = doc.find("inputs");
  if (inputs == doc.end() || !inputs->is_array() || inputs->empty()) {
    bad("missing inputs: the request needs an 'inputs' array with at least one tensor");
  }
  if (inputs->size() > limits.max_inputs) {
    bad("more than " + std::to_string(limits.max_inputs) + " inputs");
  }
  std::size_t budget = limits.max_elements;
  for (const json& in : *inputs) r.inputs.push_back(parse_input(in, binary, limits, &budget));
  if (!binary.rest.empty()) {
    bad(std::to_string(binary.rest.size()) +
        " bytes of binary data follow the tensors that binary_data_size accounts for");
  }
  if (const auto outs = doc.find("outputs"); outs != doc.end()) {
    if (!outs->is_array()) bad("'outputs' must be an array");
    for (const json& o : *outs) {
      const auto name = o.is_object() ? o.find("name") : o.end();
      if (!o.is_object() || name == o.end() || !name->is_string()) {
        bad("every requested output needs a 'name'");
      }
      r.outputs.push_back(name->get<std::string>());
      if (const auto p = o.find("parameters"); p != o.end() && p->is_object()) {
        if (const auto b = p->find("binary_data"); b != p->end() && b->is_boolean()) {
          r.binary_output = r.binary_output || b->get<bool>();
        }
      }
    }
  }
  return r;
}

EncodedResponse encode_infer_response(const InferResponse& response, bool binary) {
  ordered_json doc = {{"model_name", response.model_name}};
  if (!response.id.empty()) doc["id"] = response.id;
  if (!response.parameters.empty()) doc["parameters"] = response.parameters;
  ordered_json outputs = ordered_json::array();
  std::string tail;
  for (const OutputTensor& o : response.outputs) {
    ordered_json t = {
        {"name", o.name}, {"datatype", datatype_name(o.datatype)}, {"shape", o.shape}};
    const bool fp32 = o.datatype == DataType::kFp32;
    if (binary) {
      const std::size_t bytes = fp32 ? o.fp32.size() * 4 : o.int64.size() * 8;
      t["parameters"] = {{"binary_data_size", bytes}};
      tail.append(fp32 ? reinterpret_cast<const char*>(o.fp32.data())
                       : reinterpret_cast<const char*>(o.int64.data()),
                  bytes);
    } else if (fp32) {
      t["data"] = o.fp32;
    } else {
      t["data"] = o.int64;
    }
    outputs.push_back(std::move(t));
  }
  doc["outputs"] = std::move(outputs);
  EncodedResponse out;
  out.body = doc.dump();
  if (binary) {
    out.header_length = out.body.size();
    out.body += tail;
    out.content_type = "application/octet-stream";
  } else {
    out.content_type = "application/json";
  }
  return out;
}

std::string error_body(std::string_view message) {
  return ordered_json{{"error", std::string(message)}}.dump(-1, ' ', false,
                                                            ordered_json::error_handler_t::replace);
}

std::string base64_encode(std::string_view bytes) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const uint32_t v =
        (uint8_t(bytes[i]) << 16) | (uint8_t(bytes[i + 1]) << 8) | uint8_t(bytes[i + 2]);
    for (int s : {18, 12, 6, 0}) out += kAlphabet[(v >> s) & 63];
  }
  if (i < bytes.size()) {
    uint32_t v = uint8_t(bytes[i]) << 16;
    if (i + 1 < bytes.size()) v |= uint8_t(bytes[i + 1]) << 8;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += i + 1 < bytes.size() ? kAlphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

std::string base64_decode(std::string_view text) {
  const auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  if (text.size() % 4 != 0)
    bad("a BYTES element is not base64 (its length is not a multiple of 4)");
  std::string out;
  out.reserve(text.size() / 4 * 3);
  for (std::size_t i = 0; i < text.size(); i += 4) {
    const bool last = i + 4 == text.size();
    const int pad = last ? (text[i + 3] == '=') + (text[i + 2] == '=') : 0;
    uint32_t v = 0;
    for (int k = 0; k < 4; ++k) {
      const int d = k >= 4 - pad ? 0 : value(text[i + k]);
      if (d < 0) bad("a BYTES element is not base64");
      v = (v << 6) | static_cast<uint32_t>(d);
    }
    out += static_cast<char>(v >> 16);
    if (pad < 2) out += static_cast<char>((v >> 8) & 0xff);
    if (pad < 1) out += static_cast<char>(v & 0xff);
  }
  return out;
}

}  // namespace gb::oip
