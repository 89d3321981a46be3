// The Open Inference Protocol's messages: requests from the protocol's documented examples (JSON
// and the binary tensor extension) parse into typed tensors; every malformed request is a 400
// naming its problem; responses encode as the spec says; base64 round-trips.
#include "serving/oip.h"

#include <gtest/gtest.h>

#include <cstring>

namespace gb::oip {
namespace {

int status_of(const std::string& body, const std::string& header = "") {
  try {
    parse_infer_request(body, header, RequestLimits{});
  } catch (const ProtocolError& e) {
    return e.status();
  }
  return 200;
}

std::string message_of(const std::string& body, const std::string& header = "") {
  try {
    parse_infer_request(body, header, RequestLimits{});
  } catch (const ProtocolError& e) {
    return e.what();
  }
  return "";
}

TEST(Oip, ParsesTheSpecsJsonExample) {
  // The protocol's example, with its FP32 input nested row-major.
  const std::string body = R"({"id": "42", "inputs": [{"name": "input0", "shape": [2, 2],
      "datatype": "FP32", "data": [[1, 2], [3, 4.5]]}], "outputs": [{"name": "output0"}],
      "parameters": {"top_k": 3}})";
  const InferRequest r = parse_infer_request(body, "", RequestLimits{});
  EXPECT_EQ(r.id, "42");
  ASSERT_EQ(r.inputs.size(), 1u);
  EXPECT_EQ(r.inputs[0].name, "input0");
  EXPECT_EQ(r.inputs[0].shape, (std::vector<int64_t>{2, 2}));
  EXPECT_EQ(r.inputs[0].fp32, (std::vector<float>{1, 2, 3, 4.5f}));
  EXPECT_EQ(r.outputs, (std::vector<std::string>{"output0"}));
  EXPECT_EQ(r.top_k, 3);
  EXPECT_FALSE(r.binary_output);
}

TEST(Oip, ParsesBinaryTensors) {
  const std::string json = R"({"inputs": [{"name": "x", "shape": [2], "datatype": "FP32",
      "parameters": {"binary_data_size": 8}}, {"name": "img", "shape": [2], "datatype": "BYTES",
      "parameters": {"binary_data_size": 16}}], "parameters": {"binary_data_output": true}})";
  std::string body = json;
  const float xs[2] = {1.5f, -2};
  body.append(reinterpret_cast<const char*>(xs), 8);
  for (const std::string e : {"abc", "hello"}) {
    const uint32_t n = static_cast<uint32_t>(e.size());
    body.append(reinterpret_cast<const char*>(&n), 4);
    body += e;
  }
  const InferRequest r = parse_infer_request(body, std::to_string(json.size()), RequestLimits{});
  EXPECT_EQ(r.inputs[0].fp32, (std::vector<float>{1.5f, -2}));
  EXPECT_EQ(r.inputs[1].bytes, (std::vector<std::string>{"abc", "hello"}));
  EXPECT_TRUE(r.binary_output);
}

TEST(Oip, BytesInJsonAreBase64) {
  const std::string body = R"({"inputs": [{"name": "img", "shape": [1], "datatype": "BYTES",
      "data": [")" + base64_encode(std::string("\x00\xff\x10jpeg", 7)) +
                           R"("]}]})";
  const InferRequest r = parse_infer_request(body, "", RequestLimits{});
  EXPECT_EQ(r.inputs[0].bytes[0], std::string("\x00\xff\x10jpeg", 7));
  EXPECT_EQ(status_of(R"({"inputs": [{"name": "i", "shape": [1], "datatype": "BYTES",
      "data": ["not base64!"]}]})"),
            400);
}

TEST(Oip, EveryMalformedRequestIsA400ThatSaysWhy) {
  EXPECT_NE(message_of("{\"inputs\": [").find("malformed JSON"), std::string::npos);
  EXPECT_NE(message_of("[1, 2]").find("JSON object"), std::string::npos);
  EXPECT_NE(message_of("{}").find("missing inputs"), std::string::npos);
  EXPECT_NE(message_of(R"({"inputs": []})").find("missing inputs"), std::string::npos);
  const auto input = [](const std::string& fields) {
    return R"({"inputs": [{"name": "x", )" + fields + "}]}";
  };
  EXPECT_NE(message_of(input(R"("shape": [1], "data": [1])")).find("no 'datatype'"),
            std::string::npos);
  EXPECT_NE(message_of(input(R"("datatype": "FLOAT", "shape": [1], "data": [1])"))
                .find("unknown datatype"),
            std::string::npos);
  EXPECT_NE(
      message_of(input(R"("datatype": "INT32", "shape": [1], "data": [1])")).find("not accepted"),
      std::string::npos);
  EXPECT_NE(message_of(input(R"("datatype": "FP32", "shape": [3], "data": [1, 2])"))
                .find("holds 2 elements where its shape says 3"),
            std::string::npos);
  EXPECT_NE(
      message_of(input(R"("datatype": "FP32", "shape": [-1], "data": [1])")).find("non-negative"),
      std::string::npos);
  EXPECT_NE(message_of(input(R"("datatype": "FP32", "shape": [1], "data": ["a"])"))
                .find("must be numbers"),
            std::string::npos);
  EXPECT_NE(message_of(input(R"("datatype": "FP32", "shape": [1])")).find("neither 'data'"),
            std::string::npos);
  // A shape claiming far more elements than any body holds is refused before allocating.
  EXPECT_NE(message_of(input(R"("datatype": "FP32", "shape": [1000000, 1000000], "data": [1])"))
                .find("more than"),
            std::string::npos);
  // Nesting deeper than any tensor needs is refused while parsing.
  EXPECT_NE(message_of(std::string(100, '[') + std::string(100, ']')).find("nested deeper"),
            std::string::npos);
  // Binary sizes that the body does not hold.
  const std::string json = R"({"inputs": [{"name": "x", "shape": [2], "datatype": "FP32",
      "parameters": {"binary_data_size": 8}}]})";
  EXPECT_NE(message_of(json + "1234", std::to_string(json.size())).find("exceeds"),
            std::string::npos);
  EXPECT_NE(message_of(json + "123456789", std::to_string(json.size())).find("follow the tensors"),
            std::string::npos);
  EXPECT_EQ(status_of(json, "99999999"), 400);
  EXPECT_EQ(status_of(json, "12abc"), 400);
}

TEST(Oip, EncodesResponsesAsJsonOrBinary) {
  InferResponse r;
  r.model_name = "m";
  r.id = "7";
  r.outputs.push_back({"logits", DataType::kFp32, {1, 2}, {0.5f, -1}, {}});
  r.outputs.push_back({"cls", DataType::kInt64, {1, 1}, {}, {3}});
  const EncodedResponse json = encode_infer_response(r, false);
  EXPECT_EQ(json.content_type, "application/json");
  EXPECT_FALSE(json.header_length);
  const auto doc = nlohmann::json::parse(json.body);
  EXPECT_EQ(doc["model_name"], "m");
  EXPECT_EQ(doc["id"], "7");
  EXPECT_EQ(doc["outputs"][0]["datatype"], "FP32");
  EXPECT_EQ(doc["outputs"][0]["data"], nlohmann::json::parse("[0.5, -1.0]"));
  EXPECT_EQ(doc["outputs"][1]["data"], nlohmann::json::parse("[3]"));
  const EncodedResponse bin = encode_infer_response(r, true);
  ASSERT_TRUE(bin.header_length);
  const auto head = nlohmann::json::parse(bin.body.substr(0, *bin.header_length));
  EXPECT_EQ(head["outputs"][0]["parameters"]["binary_data_size"], 8);
  EXPECT_EQ(head["outputs"][1]["parameters"]["binary_data_size"], 8);
  ASSERT_EQ(bin.body.size(), *bin.header_length + 16);
  float f[2];
  std::memcpy(f, bin.body.data() + *bin.header_length, 8);
  EXPECT_EQ(f[1], -1.0f);
}

TEST(Oip, ErrorBodiesAreJsonEvenForHostileText) {
  const auto doc = nlohmann::json::parse(error_body("bad \"x\"\n\xff"));
  EXPECT_EQ(doc.size(), 1u);
  EXPECT_NE(doc["error"].get<std::string>().find("bad \"x\""), std::string::npos);
}

TEST(Oip, Base64RoundTripsEveryLength) {
  std::string bytes;
  for (int i = 0; i < 40; ++i) {
    EXPECT_EQ(base64_decode(base64_encode(bytes)), bytes);
    bytes += static_cast<char>(i * 37);
  }
  EXPECT_EQ(base64_encode("Man"), "TWFu");
  EXPECT_EQ(base64_encode("Ma"), "TWE=");
  EXPECT_THROW(base64_decode("TWE"), ProtocolError);
  EXPECT_THROW(base64_decode("T=Fu"), ProtocolError);
}

TEST(Oip, DatatypesHaveTheProtocolsNames) {
  for (const char* name : {"BOOL", "UINT8", "INT64", "FP16", "FP32", "FP64", "BYTES"}) {
    ASSERT_TRUE(parse_datatype(name)) << name;
    EXPECT_STREQ(datatype_name(*parse_datatype(name)), name);
  }
  EXPECT_FALSE(parse_datatype("FLOAT32"));
}

}  // namespace
}  // namespace gb::oip
