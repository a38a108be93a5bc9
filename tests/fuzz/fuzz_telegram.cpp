// Telegram: an Update as a webhook delivers it, the secret-token header, and
// the Bot API's answer to sendMessage (adapters/platforms/telegram.h).
#include "adapters/platforms/signatures.h"
#include "adapters/platforms/telegram.h"
#include "tests/fuzz/platform_fuzz.h"

using namespace calfbot::adapters::platforms;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string body = calfbot::fuzz::as_string(data, size);
  (void)telegram::parse_update(body);
  (void)verify_telegram_secret("s3cret-token", body.substr(0, body.find('\n')));
  (void)telegram::classify(calfbot::fuzz::api_answer(body));
  return 0;
}
