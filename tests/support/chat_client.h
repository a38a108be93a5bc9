// A test client for the server: WebSocket and HTTP over loopback with Beast,
// every operation bounded by a timeout so a broken server fails the test
// instead of hanging it.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace calfbot::testing_support {

using namespace std::chrono_literals;

class WsClient {
 public:
  // Connects to ws://127.0.0.1:port/v1/chat, with an Origin header if given.
  // Check connected(): a refused handshake leaves it false.
  explicit WsClient(unsigned short port, const std::string& origin = "");
  ~WsClient();
  WsClient(const WsClient&) = delete;
  WsClient& operator=(const WsClient&) = delete;

  bool connected() const { return connected_; }
  void send(const std::string& text);
  void send(const nlohmann::json& message) { send(message.dump()); }
  void send_binary(const std::string& bytes);

  // The next text message as JSON; nullopt when the server closed the
  // connection (see close_code()) or nothing came within the timeout.
  std::optional<nlohmann::json> read(std::chrono::milliseconds timeout = 10s);
  // Reads until a message of `type` (or nullopt); the others are kept in seen().
  std::optional<nlohmann::json> read_until(const std::string& type,
                                           std::chrono::milliseconds timeout = 10s);
  // The close code the server sent (0 if none yet); timed_out() if a read timed out.
  int close_code() const { return close_code_; }
  bool timed_out() const { return timed_out_; }
  const std::vector<nlohmann::json>& seen() const { return seen_; }

  void close();  // a normal close (1000)

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  bool connected_ = false;
  int close_code_ = 0;
  bool timed_out_ = false;
  std::vector<nlohmann::json> seen_;
};

struct HttpResult {
  int status = 0;  // 0: no response
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;
  nlohmann::json json() const { return nlohmann::json::parse(body, nullptr, false); }
};

// One request on its own connection; from the loopback address `source`
// ("127.0.0.2") when given, so that the server sees another client.
HttpResult http_request(unsigned short port, const std::string& method, const std::string& target,
                        const std::string& body = "",
                        const std::map<std::string, std::string>& headers = {},
                        const std::string& source = "");

// The bot's messages up to the end of its turn: a question, an outcome, or
// an error without "seq" (a transport error). Empty if the connection ended.
std::vector<nlohmann::json> read_turn(WsClient& client);

// An answer to a bot question, as a patient in no danger would give it:
// "no" to yes/no, "none" where offered, the first choice otherwise.
nlohmann::json plain_answer(const nlohmann::json& question);

}  // namespace calfbot::testing_support
