// A local stand-in for the platforms' HTTP APIs (Telegram Bot API, WhatsApp
// Cloud API, Twilio Messages): a Beast server on 127.0.0.1 that records every
// request and answers as the platform does, or fails on purpose.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

namespace calfbot::tests {

struct ApiRequest {
  std::string method;
  std::string target;
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;
  int status = 0;  // what the fake answered
  // Telegram/WhatsApp bodies as JSON, Twilio's form as {"To":..., "Body":...}.
  nlohmann::json json() const;
};

class FakePlatformApi {
 public:
  FakePlatformApi();
  ~FakePlatformApi();

  std::string base() const { return "http://127.0.0.1:" + std::to_string(port_); }

  // The next n requests are answered with `status` (and a platform-style error body).
  void fail_next(int n, int status = 500);

  std::vector<ApiRequest> requests() const;
  // Requests answered 2xx whose target contains `part`.
  std::vector<ApiRequest> accepted(const std::string& part = "") const;

  // Waits until `pred` holds for accepted(); false on timeout.
  bool wait_accepted(const std::string& part, size_t count,
                     std::chrono::milliseconds timeout = std::chrono::seconds(10)) const;

 private:
  ApiRequest answer(ApiRequest r, std::string& body);

  unsigned short port_ = 0;
  bool stop_ = false;
  int fail_left_ = 0;
  int fail_status_ = 500;
  int counter_ = 0;
  mutable std::mutex mu_;
  mutable std::condition_variable cv_;
  std::vector<ApiRequest> requests_;
  std::thread thread_;
};

}  // namespace calfbot::tests
