#include "bot/error.h"

#include <stdexcept>

namespace calfbot::bot {

void throw_exception_from_error(const Error& e, const boost::source_location&) {
  throw std::runtime_error(e.code + ": " + e.detail);
}

}  // namespace calfbot::bot
