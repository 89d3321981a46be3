// Error kinds that decide the exit code. A UsageError is bad input the user can fix (exit 2,
// nothing written); a RunError is a failure while running (exit 1, partial data kept only in files
// marked incomplete).
#pragma once

#include <stdexcept>
#include <string>

namespace gb {

class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class RunError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace gb
