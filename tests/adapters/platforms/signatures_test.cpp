// Webhook signatures against published vectors: RFC 4231 for HMAC-SHA256,
// Twilio's documented example for X-Twilio-Signature, and the Meta
// "sha256=" header form.
#include "adapters/platforms/signatures.h"

#include <gtest/gtest.h>

namespace calfbot::adapters::platforms {
namespace {

TEST(Signatures, ConstantTimeEqualComparesLengthAndBytes) {
  EXPECT_TRUE(constant_time_equal("abc", "abc"));
  EXPECT_FALSE(constant_time_equal("abc", "abd"));
  EXPECT_FALSE(constant_time_equal("abc", "abcd"));
  EXPECT_TRUE(constant_time_equal("", ""));
}

TEST(Signatures, HmacSha256MatchesRfc4231TestCase2) {
  EXPECT_EQ(hmac_sha256_hex("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(Signatures, HmacSha1Base64MatchesRfc2202TestCase2) {
  // effcdf6ae5eb2fa2d27416d5f184df9c259a7c79 in base64.
  EXPECT_EQ(hmac_sha1_base64("Jefe", "what do ya want for nothing?"), "7/zfauXrL6LSdBbV8YTfnCWafHk=");
}

TEST(Signatures, TwilioDocumentedExample) {
  // Twilio's request-validation example (auth token 12345).
  Params params = {{"CallSid", "CA1234567890ABCDE"}, {"Caller", "+14158675310"},
                   {"Digits", "1234"},               {"From", "+14158675310"},
                   {"To", "+18005551212"}};
  const std::string url = "https://mycompany.com/myapp.php?foo=1&bar=2";
  EXPECT_EQ(twilio_signature("12345", url, params), "GvWf1cFY/Q7PnoempGyD5oXAezc=");
  EXPECT_EQ(verify_twilio_signature("12345", url, params, "GvWf1cFY/Q7PnoempGyD5oXAezc="),
            Verdict::ok);
  // Twilio may sign the URL with the default port spelled out.
  EXPECT_EQ(verify_twilio_signature("12345", "https://mycompany.com:443/myapp.php?foo=1&bar=2",
                                    params, "GvWf1cFY/Q7PnoempGyD5oXAezc="),
            Verdict::ok);
}

TEST(Signatures, TwilioRejectsChangedParamsUrlOrToken) {
  Params params = {{"Body", "hello"}, {"From", "+447700900456"}, {"MessageSid", "SM1"}};
  const std::string url = "https://clinic.example/webhooks/sms";
  std::string good = twilio_signature("secret", url, params);
  EXPECT_EQ(verify_twilio_signature("secret", url, params, good), Verdict::ok);
  Params changed = params;
  changed[0].second = "hello!";
  EXPECT_EQ(verify_twilio_signature("secret", url, changed, good), Verdict::bad);
  EXPECT_EQ(verify_twilio_signature("secret", url + "?x=1", params, good), Verdict::bad);
  EXPECT_EQ(verify_twilio_signature("other", url, params, good), Verdict::bad);
  EXPECT_EQ(verify_twilio_signature("secret", url, params, ""), Verdict::missing);
  EXPECT_EQ(verify_twilio_signature("", url, params, good), Verdict::bad);
}

TEST(Signatures, TwilioSortsParametersByName) {
  Params a = {{"b", "2"}, {"a", "1"}};
  Params b = {{"a", "1"}, {"b", "2"}};
  EXPECT_EQ(twilio_signature("t", "https://x/", a), twilio_signature("t", "https://x/", b));
  EXPECT_EQ(twilio_signature("t", "https://x/", a), hmac_sha1_base64("t", "https://x/a1b2"));
}

TEST(Signatures, MetaSignatureHeader) {
  const std::string body = R"({"object":"whatsapp_business_account","entry":[]})";
  std::string header = "sha256=" + hmac_sha256_hex("app-secret", body);
  EXPECT_EQ(verify_meta_signature("app-secret", body, header), Verdict::ok);
  std::string upper = header;
  for (size_t i = 7; i < upper.size(); ++i) upper[i] = static_cast<char>(std::toupper(upper[i]));
  EXPECT_EQ(verify_meta_signature("app-secret", body, upper), Verdict::ok);
  EXPECT_EQ(verify_meta_signature("app-secret", body + " ", header), Verdict::bad);
  EXPECT_EQ(verify_meta_signature("other", body, header), Verdict::bad);
  EXPECT_EQ(verify_meta_signature("app-secret", body, header.substr(7)), Verdict::bad);
  EXPECT_EQ(verify_meta_signature("app-secret", body, "sha1=abc"), Verdict::bad);
  EXPECT_EQ(verify_meta_signature("app-secret", body, ""), Verdict::missing);
  EXPECT_EQ(verify_meta_signature("", body, header), Verdict::bad);
}

TEST(Signatures, TelegramSecretToken) {
  EXPECT_EQ(verify_telegram_secret("s3cr3t_token-A", "s3cr3t_token-A"), Verdict::ok);
  EXPECT_EQ(verify_telegram_secret("s3cr3t_token-A", "s3cr3t_token-B"), Verdict::bad);
  EXPECT_EQ(verify_telegram_secret("s3cr3t_token-A", ""), Verdict::missing);
  EXPECT_EQ(verify_telegram_secret("", "anything"), Verdict::bad);
}

TEST(Signatures, FormDecodingAndEncoding) {
  Params p = parse_form("Body=my+left+calf%21&From=%2B447700900456&Empty=&Bad=%zz&Flag");
  ASSERT_EQ(p.size(), 5u);
  EXPECT_EQ(p[0], (std::pair<std::string, std::string>{"Body", "my left calf!"}));
  EXPECT_EQ(p[1].second, "+447700900456");
  EXPECT_EQ(p[2].second, "");
  EXPECT_EQ(p[3].second, "%zz");
  EXPECT_EQ(p[4], (std::pair<std::string, std::string>{"Flag", ""}));
  EXPECT_EQ(form_encode({{"To", "+44 7700"}, {"Body", "a&b=c \u00e9"}}),
            "To=%2B44%207700&Body=a%26b%3Dc%20%C3%A9");
  EXPECT_EQ(parse_form(form_encode({{"Body", "a&b=c +x"}}))[0].second, "a&b=c +x");
  EXPECT_EQ(base64("ab"), "YWI=");
}

}  // namespace
}  // namespace calfbot::adapters::platforms
