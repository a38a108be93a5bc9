// WhatsApp Cloud API: a webhook notification, its X-Hub-Signature-256
// header, and the Graph API's answer to a send (adapters/platforms/whatsapp.h).
#include "adapters/platforms/signatures.h"
#include "adapters/platforms/whatsapp.h"
#include "tests/fuzz/platform_fuzz.h"

using namespace calfbot::adapters::platforms;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string body = calfbot::fuzz::as_string(data, size);
  (void)whatsapp::parse_webhook(body, "106540352242922");  // the fixtures' number
  (void)verify_meta_signature("app-secret", body, body.substr(0, body.find('\n')));
  (void)whatsapp::classify(calfbot::fuzz::api_answer(body));
  return 0;
}
