// WhatsApp Cloud API end to end: the GET handshake, webhook payloads signed
// with `openssl dgst -sha256 -hmac`, replies at the fake Graph API.
#include <thread>

#include <gtest/gtest.h>

#include "tests/adapters/platforms/e2e_support.h"

namespace calfbot::tests {
namespace {

using nlohmann::json;

json message(const std::string& fixture, const std::string& wamid, const std::string& from) {
  json w = fixture_json(fixture);
  json& m = w["entry"][0]["changes"][0]["value"]["messages"][0];
  m["id"] = wamid;
  m["from"] = from;
  return w;
}

TEST(WhatsAppE2e, VerificationHandshake) {
  E2e t;
  t.start();
  auto ok = t.post("/webhooks/whatsapp?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=" +
                       t.secrets.wa_verify, "", {}, "GET");
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(ok.body, "1158201444");
  auto bad = t.post("/webhooks/whatsapp?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=nope",
                    "", {}, "GET");
  EXPECT_EQ(bad.status, 403);
}

TEST(WhatsAppE2e, ConversationButtonsStatusesDuplicatesAndForgeries) {
  E2e t;
  t.start();
  json first = message("whatsapp_text.json", "wamid.E2E1", "447700900777");
  first["entry"][0]["changes"][0]["value"]["messages"][0]["text"]["body"] = "my left calf hurts when I walk";
  ASSERT_EQ(t.post_whatsapp(first.dump()).status, 200);
  ASSERT_TRUE(t.api.wait_accepted("/messages", 4)) << t.server->output();
  auto sent = t.api.accepted("/messages");
  EXPECT_EQ(sent[0].target, "/v25.0/" + t.secrets.wa_phone_id + "/messages");
  EXPECT_EQ(sent[0].headers["authorization"], "Bearer " + t.secrets.wa_token);
  EXPECT_EQ(sent[0].json()["to"], "447700900777");
  json last = sent.back().json();
  for (int i = 0; i < 6 && last["type"] != "interactive"; ++i) {
    std::string said = last["text"]["body"];
    json next = message("whatsapp_text.json", "wamid.E2E1." + std::to_string(i), "447700900777");
    next["entry"][0]["changes"][0]["value"]["messages"][0]["text"]["body"] =
        said.find("old") != std::string::npos ? "45" : "no";
    size_t n = t.settle();
    ASSERT_EQ(t.post_whatsapp(next.dump()).status, 200);
    ASSERT_TRUE(t.api.wait_accepted("/messages", n + 1));
    t.settle();
    last = t.api.accepted("/messages").back().json();
  }
  ASSERT_EQ(last["type"], "interactive") << last.dump();
  std::string id = last["interactive"]["type"] == "button"
                       ? last["interactive"]["action"]["buttons"][0]["reply"]["id"]
                       : last["interactive"]["action"]["sections"][0]["rows"][0]["id"];

  json press = message("whatsapp_button_reply.json", "wamid.E2E2", "447700900777");
  press["entry"][0]["changes"][0]["value"]["messages"][0]["interactive"]["button_reply"]["id"] = id;
  size_t before = t.api.accepted("/messages").size();
  ASSERT_EQ(t.post_whatsapp(press.dump()).status, 200);
  ASSERT_TRUE(t.api.wait_accepted("/messages", before + 1)) << t.server->output();

  // Status callbacks are accepted and change nothing; so is a redelivery.
  size_t total = t.settle();
  EXPECT_EQ(t.post_whatsapp(fixture_json("whatsapp_status.json").dump()).status, 200);
  EXPECT_EQ(t.post_whatsapp(press.dump()).status, 200);
  // Forged: a signature made for another body, or none at all.
  json forged = message("whatsapp_text.json", "wamid.E2E3", "447700900777");
  std::string signature = "sha256=" + openssl_hmac_sha256(t.secrets.wa_app_secret, first.dump());
  EXPECT_EQ(t.post("/webhooks/whatsapp", forged.dump(), {{"X-Hub-Signature-256", signature}}).status, 403);
  EXPECT_EQ(t.post("/webhooks/whatsapp", forged.dump(), {}).status, 401);
  EXPECT_EQ(t.settle(), total);
  EXPECT_EQ(t.server->output().find(t.secrets.wa_token), std::string::npos);
}

TEST(WhatsAppE2e, EmergencyAsPlainTextWithTheNumber) {
  E2e t;
  t.start();
  json m = message("whatsapp_text.json", "wamid.E2E9", "447700900888");
  m["entry"][0]["changes"][0]["value"]["messages"][0]["text"]["body"] =
      "my calf is swollen and I am coughing up blood and short of breath";
  ASSERT_EQ(t.post_whatsapp(m.dump()).status, 200);
  EXPECT_TRUE(t.wait_text("EMERGENCY: call 999 now.")) << t.server->output();
}

}  // namespace
}  // namespace calfbot::tests
