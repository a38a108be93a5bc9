// Twilio SMS: a form-encoded incoming-message webhook, its X-Twilio-Signature
// over the parsed parameters, and the Messages API's answer to a send
// (adapters/platforms/twilio_sms.h).
#include "adapters/platforms/signatures.h"
#include "adapters/platforms/twilio_sms.h"
#include "tests/fuzz/platform_fuzz.h"

using namespace calfbot::adapters::platforms;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string body = calfbot::fuzz::as_string(data, size);
  Params form = parse_form(body);
  (void)twilio::parse_webhook(form);
  (void)verify_twilio_signature("auth-token", "https://clinic.example:443/v1/platforms/sms", form,
                                body.substr(0, body.find('&')));
  (void)twilio::classify(calfbot::fuzz::api_answer(body));
  return 0;
}
