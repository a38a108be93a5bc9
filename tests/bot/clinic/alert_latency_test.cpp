// The clinic hears of an emergency in a link conversation at once: the
// conversation service tells the clinic of every committed turn, and the
// alert goes out from that event, not from a poll. The one timed test of the
// suite (issue 13): 100 ms is generous on a busy machine, and a poll every
// second misses it nine times in ten.
#include <gtest/gtest.h>

#include "clinic_server.h"

namespace calfbot {
namespace {

using clinic_test::ClinicServer;
using clinic_test::create_key;
using clinic_test::Receiver;
using nlohmann::json;
using testing_support::http_request;
using testing_support::ServerProcess;
using testing_support::WsClient;

TEST_F(ClinicServer, AnEmergencyAlertsTheClinicWithin100msOfTheTurn) {
  Receiver receiver;
  key_ = create_key(db_);
  server_ = std::make_unique<ServerProcess>(
      env({{"CALFBOT_CLINIC__ALERT_WEBHOOK_URL", "http://127.0.0.1:" + std::to_string(receiver.port()) + "/alerts"},
           {"CALFBOT_CLINIC__ALERT_SECRET", "test-secret-0123456789"}}));
  json created = post_intake({{"patient_ref", "MRN-FAST"}});
  std::string session = session_of(http_request(server_->port(), "GET", "/i/" + token_of(created)).body);
  WsClient ws(server_->port());
  ws.send(json{{"type", "resume"}, {"token", session}, {"last_seq", 0}});
  ASSERT_FALSE(testing_support::read_turn(ws).empty());
  ws.send(json{{"text", "my left calf is swollen and now I have chest pain and I am short of breath"}});
  auto turn = testing_support::read_turn(ws);
  const auto turned = std::chrono::steady_clock::now();  // the turn is durable: its reply came
  ASSERT_FALSE(turn.empty());
  bool escalated = false;
  for (const auto& m : turn) escalated = escalated || m["type"] == "escalation";
  EXPECT_TRUE(escalated);
  auto alert = receiver.wait(std::chrono::seconds(20));
  ASSERT_TRUE(alert);
  EXPECT_EQ(json::parse(alert->body)["level"], "emergency");
  const auto late = std::chrono::duration_cast<std::chrono::milliseconds>(alert->at - turned);
  EXPECT_LT(late.count(), 100) << "the alert came " << late.count() << " ms after the turn";
}

}  // namespace
}  // namespace calfbot
