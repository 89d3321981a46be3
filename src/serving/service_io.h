// What an InferenceService writes: a response's outputs from its logits (all of them, or the top
// k of each image), and the families of GET /metrics (docs/serving.md lists both).
#pragma once

#include <nlohmann/json.hpp>
#include <vector>

#include "serving/inference_service.h"
#include "serving/oip.h"

namespace gb {

// What the model takes, for error messages and the metadata.
inline constexpr char kModelInputs[] =
    "the model takes one input: 'image' BYTES [N] of encoded JPEG/PNG images, or 'input' FP32 "
    "[N,3,224,224] of preprocessed ones";

// `logits`: the request's images x options.classes, row by row. The outputs are those the
// request names (all of its kind when it names none): "logits", or with top_k "top_k_classes"
// and "top_k_logits" (each image's k largest logits, largest first; ties: the lower class).
// REQUIRES: `request` passed InferenceService's checks (one input, top_k <= classes).
oip::InferResponse build_response(const ServiceOptions& options, const oip::InferRequest& request,
                                  const std::vector<float>& logits,
                                  nlohmann::ordered_json parameters);

}  // namespace gb
