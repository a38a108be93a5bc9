// One vocabulary of failure for every layer: an expected failure is a value
// (Result<T>), with a stable code (docs/errors.md) and a detail for the log.
// Exceptions are for start-up and bugs.
#pragma once

#include <string>

#include <boost/system/result.hpp>

namespace calfbot::bot {

// An expected failure: a stable code (docs/errors.md) and a detail for the log.
// The detail may name files and SQLite errors, never patient text.
struct Error {
  Error() = default;
  // Two arguments, so that a lone string never converts to an Error.
  Error(std::string code_, std::string detail_)
      : code(std::move(code_)), detail(std::move(detail_)) {}
  std::string code;
  std::string detail;
};
[[noreturn]] void throw_exception_from_error(const Error& e, const boost::source_location& loc);

template <class T>
using Result = boost::system::result<T, Error>;

// Success, or the Error that stopped the operation.
using Status = Result<void>;

}  // namespace calfbot::bot
