// The one table of error codes (bot/error.h, docs/errors.md): every code has
// one id that reads back as itself, and the statuses and close codes clients
// rely on.
#include "bot/error.h"

#include <set>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace calfbot::bot {
namespace {

TEST(ErrorCodes, EveryCodeHasOneIdThatReadsBack) {
  std::set<std::string_view> ids;
  for (int i = 0; i <= static_cast<int>(Code::not_due); ++i) {
    const Code c = static_cast<Code>(i);
    EXPECT_EQ(spec(c).code, c);
    EXPECT_FALSE(to_string(c).empty());
    EXPECT_TRUE(ids.insert(to_string(c)).second) << "id used twice: " << to_string(c);
    EXPECT_EQ(code_from_string(to_string(c)), c);
    EXPECT_FALSE(spec(c).text.empty()) << c;
  }
  EXPECT_EQ(code_from_string("no such code"), std::nullopt);
}

TEST(ErrorCodes, StatusesAndCloseCodesClientsRelyOn) {
  EXPECT_EQ(spec(Code::unknown_session).http_status, 404);
  EXPECT_EQ(spec(Code::unknown_session).close, 4404);
  EXPECT_EQ(spec(Code::session_expired).http_status, 410);
  EXPECT_EQ(spec(Code::session_expired).close, 4410);
  EXPECT_EQ(spec(Code::session_closed).http_status, 410);
  EXPECT_EQ(spec(Code::session_closed).close, 4410) << "gone: the link page says why";
  EXPECT_EQ(spec(Code::rate_limited).http_status, 429);
  EXPECT_EQ(spec(Code::rate_limited).close, 0) << "an error message; the flood rule closes";
  EXPECT_EQ(spec(Code::too_large).http_status, 413);
  EXPECT_EQ(spec(Code::too_large).close, 1009);
  EXPECT_EQ(spec(Code::store_unavailable).http_status, 503);
  EXPECT_EQ(spec(Code::unauthorized).http_status, 401);
  EXPECT_EQ(spec(Code::link_not_found).http_status, 404);
  EXPECT_EQ(spec(Code::signature_missing).http_status, 401);
  EXPECT_EQ(spec(Code::signature_invalid).http_status, 403);
  EXPECT_EQ(spec(Code::empty_message).http_status, 0) << "an engine refusal is a message";
}

TEST(ErrorCodes, ACodeIsItsIdInJsonAndText) {
  EXPECT_EQ(nlohmann::json(Code::store_overloaded), "store_overloaded");
  std::ostringstream out;
  out << Code::session_expired;
  EXPECT_EQ(out.str(), "session_expired");
}

}  // namespace
}  // namespace calfbot::bot
