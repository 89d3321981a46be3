#!/usr/bin/env python3
"""Open Inference Protocol conformance of `greenbatch serve`, with a client greenbatch did not
write (Python's urllib): requests written from the protocol's documented examples, and every error
case, each followed by a health check that proves the server kept serving.

    conformance.py URL MODEL MAX_BODY_BYTES      (exit 0 when every check passes)

The server must serve a built-in classifier (1000 classes) with --energy-per-request and
--max-body-mib giving MAX_BODY_BYTES.
"""

import base64
import io
import json
import struct
import sys
import urllib.error
import urllib.request

from PIL import Image

URL, MODEL, MAX_BODY = sys.argv[1], sys.argv[2], int(sys.argv[3])
failures = []


def call(method, path, body=None, headers=None):
    req = urllib.request.Request(URL + path, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


def check(name, ok, detail=""):
    if not ok:
        failures.append(f"{name}: {detail}")


def still_serving(after):
    status, _, body = call("GET", "/v2/health/ready")
    check(f"ready after {after}", status == 200 and json.loads(body) == {"ready": True},
          f"{status} {body[:100]!r}")


def infer(payload, headers=None):
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    return call("POST", f"/v2/models/{MODEL}/infer", body,
                headers or {"Content-Type": "application/json"})


def expect_error(name, status_wanted, payload, headers=None):
    status, hdrs, body = infer(payload, headers)
    try:
        doc = json.loads(body)
    except ValueError:
        doc = None
    check(name, status == status_wanted and isinstance(doc, dict) and list(doc) == ["error"]
          and doc["error"], f"{status} {body[:200]!r}")
    still_serving(name)


def jpeg():
    out = io.BytesIO()
    Image.new("RGB", (320, 240), (200, 30, 90)).save(out, format="JPEG")
    return out.getvalue()


# Health and metadata (the spec's GET endpoints).
status, _, body = call("GET", "/v2/health/live")
check("live", status == 200 and json.loads(body) == {"live": True}, body)
still_serving("start")
status, _, body = call("GET", "/v2")
check("server metadata", status == 200 and "binary_tensor_data" in json.loads(body)["extensions"],
      body)
status, _, body = call("GET", f"/v2/models/{MODEL}")
meta = json.loads(body)
check("model metadata", status == 200 and meta["name"] == MODEL and meta["versions"] == ["1"]
      and {i["name"] for i in meta["inputs"]} == {"image", "input"}
      and all({"name", "datatype", "shape"} <= set(i) for i in meta["inputs"] + meta["outputs"]),
      body[:300])
status, _, body = call("GET", f"/v2/models/{MODEL}/versions/1/ready")
check("model ready", status == 200 and json.loads(body)["ready"] is True, body)

# FP32 tensor in JSON, as the spec's example writes tensors (nested row-major data is allowed).
zeros = [[[[0.0] * 224] * 224] * 3]
status, _, body = infer({"id": "42", "inputs": [{"name": "input", "shape": [1, 3, 224, 224],
                                                  "datatype": "FP32", "data": zeros}]})
doc = json.loads(body) if status == 200 else {}
out = doc.get("outputs", [{}])[0]
check("FP32 JSON infer", status == 200 and doc.get("id") == "42" and doc["model_name"] == MODEL
      and out.get("name") == "logits" and out.get("shape") == [1, 1000]
      and out.get("datatype") == "FP32" and len(out.get("data", [])) == 1000, body[:300])
params = doc.get("parameters", {})
check("energy per request", params.get("energy_j", 0) > 0 and params.get("energy_method")
      in ("rapl", "estimate", "nvml-power", "estimate+rapl") and params.get("greenbatch_batch_size")
      == 1, params)

# An encoded image as a BYTES tensor, base64 in JSON, with top_k.
image = jpeg()
status, _, body = infer({"inputs": [{"name": "image", "shape": [2], "datatype": "BYTES",
                                      "data": [base64.b64encode(image).decode()] * 2}],
                         "parameters": {"top_k": 5}})
doc = json.loads(body) if status == 200 else {}
outs = {o["name"]: o for o in doc.get("outputs", [])}
classes, logits = outs.get("top_k_classes", {}), outs.get("top_k_logits", {})
check("BYTES JSON infer with top_k", status == 200 and classes.get("shape") == [2, 5]
      and classes.get("datatype") == "INT64" and logits.get("shape") == [2, 5]
      and logits["data"][:5] == sorted(logits["data"][:5], reverse=True)
      and classes["data"][:5] == classes["data"][5:], body[:300])

# The binary tensor extension: the JSON header, then the BYTES element (4-byte length + bytes),
# and the output asked for as binary too.
element = struct.pack("<I", len(image)) + image
header = json.dumps({"inputs": [{"name": "image", "shape": [1], "datatype": "BYTES",
                                 "parameters": {"binary_data_size": len(element)}}],
                     "outputs": [{"name": "logits", "parameters": {"binary_data": True}}]}).encode()
status, hdrs, body = infer(header + element, {"Content-Type": "application/octet-stream",
                                               "Inference-Header-Content-Length": str(len(header))})
length = int({k.lower(): v for k, v in hdrs.items()}.get("inference-header-content-length", "-1"))
ok = status == 200 and 0 < length < len(body)
if ok:
    head = json.loads(body[:length])
    size = head["outputs"][0]["parameters"]["binary_data_size"]
    ok = size == 4000 and len(body) == length + size and head["outputs"][0]["shape"] == [1, 1000]
check("binary tensors both ways", ok, f"{status} {body[:200]!r}")

# Every error case: 4xx with {"error": ...}, and the server keeps serving.
expect_error("malformed JSON", 400, b'{"inputs": [')
expect_error("missing inputs", 400, {"id": "1"})
expect_error("the spec's example tensors, which this model does not take", 400,
             {"inputs": [{"name": "input0", "shape": [2, 2], "datatype": "UINT32",
                          "data": [1, 2, 3, 4]}]})
expect_error("wrong shape", 400, {"inputs": [{"name": "input", "shape": [1, 3, 224, 2],
                                              "datatype": "FP32", "data": [0.0] * 1344}]})
expect_error("wrong datatype", 400, {"inputs": [{"name": "image", "shape": [1],
                                                 "datatype": "FP32", "data": [1.0]}]})
expect_error("data that does not fill its shape", 400,
             {"inputs": [{"name": "image", "shape": [2], "datatype": "BYTES", "data": ["AAAA"]}]})
expect_error("an image that does not decode", 400,
             {"inputs": [{"name": "image", "shape": [1], "datatype": "BYTES",
                          "data": [base64.b64encode(b"not an image").decode()]}]})
expect_error("unknown output", 400, {"inputs": [{"name": "image", "shape": [1],
                                                 "datatype": "BYTES",
                                                 "data": [base64.b64encode(image).decode()]}],
                                     "outputs": [{"name": "probabilities"}]})
expect_error("binary size past the body", 400, header + element[:10],
             {"Content-Type": "application/octet-stream",
              "Inference-Header-Content-Length": str(len(header))})
status, _, body = call("POST", "/v2/models/no_such_model/infer", b'{"inputs": []}')
check("unknown model", status == 404 and "error" in json.loads(body), body)
still_serving("unknown model")
status, _, body = call("POST", f"/v2/models/{MODEL}/versions/7/infer", b'{"inputs": []}')
check("unknown version", status == 404 and "error" in json.loads(body), body)
status, _, body = call("GET", "/v3/nothing")
check("unknown endpoint", status == 404 and "error" in json.loads(body), body)
try:
    status, _, body = infer(b"{" + b" " * (MAX_BODY + 1024) + b"}")
    check("oversized body", status == 413 and "error" in json.loads(body), f"{status} {body!r}")
except (ConnectionError, urllib.error.URLError) as e:
    failures.append(f"oversized body: the connection failed instead of a 413 ({e})")
still_serving("oversized body")

# Metrics in Prometheus text format, with the errors above counted.
status, hdrs, body = call("GET", "/metrics")
text = body.decode()
check("metrics", status == 200 and "# TYPE greenbatch_requests_total counter" in text
      and f'greenbatch_requests_total{{model="{MODEL}",code="400"}}' in text
      and "greenbatch_batch_size_bucket" in text and "greenbatch_energy_joules_total{" in text,
      text[:300])

for f in failures:
    print("FAIL", f)
print(f"{len(failures)} failures")
sys.exit(1 if failures else 0)
