// The message a UsageError carries, for tests that check the exact wording users see.
#pragma once

#include <functional>
#include <string>

#include "common/errors.h"

namespace gb::testing {

// What `f` throws as a UsageError, or "(accepted)" when it throws nothing.
inline std::string message_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const UsageError& e) {
    return e.what();
  }
  return "(accepted)";
}

}  // namespace gb::testing
