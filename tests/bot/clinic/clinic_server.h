// What the clinic's integration tests share: the real `calfbot serve` on
// 127.0.0.1 with a temporary SQLite file, the CLI on the same file, a local
// webhook receiver for alerts, and a patient talking through the widget's
// channel.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <array>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "clinic_test_util.h"
#include "tests/support/chat_client.h"
#include "tests/support/server_process.h"

namespace calfbot::clinic_test {

using nlohmann::json;
using testing_support::http_request;
using testing_support::ServerProcess;
using testing_support::TempFolder;
using testing_support::WsClient;

// What a shell command printed (stdout, and stderr where it says 2>&1).
inline std::string shell_output(const std::string& cmd) {
  std::string out;
  FILE* p = popen(cmd.c_str(), "r");
  std::array<char, 512> buf{};
  while (p && fgets(buf.data(), buf.size(), p)) out += buf.data();
  if (p) pclose(p);
  return out;
}

// `calfbot ARGS` on the database `db`, without the test's own CALFBOT_
// variables (which the config would read as settings).
inline std::string calfbot_command(const std::string& db, const std::string& args) {
  return "env -u CALFBOT_FHIR_OUT CALFBOT_STORE__PATH='" + db + "' " CALFBOT_BIN " " + args;
}

inline std::string run_cli(const std::string& db, const std::string& args) {
  return shell_output(calfbot_command(db, args) + " 2>&1");
}

inline std::string create_key(const std::string& db) {
  std::smatch m;
  std::string out = run_cli(db, "keys create --name test-desk");
  std::regex re("api key: (\\S+)");
  return std::regex_search(out, m, re) ? m[1].str() : "";
}

// A local webhook receiver: answers 200 and keeps each request.
class Receiver {
 public:
  Receiver() {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a);
    listen(fd_, 8);
    socklen_t len = sizeof a;
    getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~Receiver() {
    shutdown(fd_, SHUT_RDWR);
    close(fd_);
    thread_.join();
  }
  unsigned short port() const { return port_; }
  struct Request {
    std::map<std::string, std::string> headers;
    std::string body;
    std::chrono::steady_clock::time_point at;  // when its last byte came
  };
  std::optional<Request> wait(std::chrono::seconds timeout) {
    std::unique_lock lock(mu_);
    if (!cv_.wait_for(lock, timeout, [&] { return !got_.empty(); })) return std::nullopt;
    return got_.front();
  }

 private:
  void serve() {
    while (true) {
      int c = accept(fd_, nullptr, nullptr);
      if (c < 0) return;
      std::string data;
      std::array<char, 4096> buf{};
      size_t need = std::string::npos;
      while (need == std::string::npos || data.size() < need) {
        ssize_t n = recv(c, buf.data(), buf.size(), 0);
        if (n <= 0) break;
        data.append(buf.data(), static_cast<size_t>(n));
        size_t end = data.find("\r\n\r\n");
        if (end != std::string::npos && need == std::string::npos) {
          std::smatch m;
          std::string head = data.substr(0, end);
          std::regex re("content-length: *(\\d+)", std::regex::icase);
          need = end + 4 + (std::regex_search(head, m, re) ? std::stoul(m[1].str()) : 0);
        }
      }
      Request r;
      r.at = std::chrono::steady_clock::now();
      size_t end = data.find("\r\n\r\n");
      std::string head = data.substr(0, end);
      r.body = end == std::string::npos ? "" : data.substr(end + 4);
      std::regex line("\r\n([^:]+): *([^\r]*)");
      for (auto it = std::sregex_iterator(head.begin(), head.end(), line); it != std::sregex_iterator(); ++it) {
        std::string name = (*it)[1].str();
        for (auto& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        r.headers[name] = (*it)[2].str();
      }
      std::string ok = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
      send(c, ok.data(), ok.size(), 0);
      close(c);
      std::lock_guard lock(mu_);
      got_.push_back(std::move(r));
      cv_.notify_all();
    }
  }
  int fd_ = -1;
  unsigned short port_ = 0;
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Request> got_;
};

class ClinicServer : public ::testing::Test {
 protected:
  std::map<std::string, std::string> env(std::map<std::string, std::string> extra = {}) {
    std::map<std::string, std::string> e = {{"CALFBOT_SERVER__PORT", "0"},
                                            {"CALFBOT_STORE__PATH", db_},
                                            {"CALFBOT_STORE__SYNCHRONOUS", "normal"},
                                            {"CALFBOT_SERVER__MESSAGES_PER_SECOND", "1000"},
                                            {"CALFBOT_SERVER__MESSAGE_BURST", "1000"}};
    for (auto& [k, v] : extra) e[k] = v;
    return e;
  }
  std::map<std::string, std::string> auth() const { return {{"Authorization", "Bearer " + key_}}; }
  json post_intake(const json& body) {
    auto r = http_request(server_->port(), "POST", "/v1/clinic/intakes", body.dump(), auth());
    EXPECT_EQ(r.status, 201) << r.body;
    return r.json();
  }
  static std::string token_of(const json& intake) {
    std::string url = intake["url"];
    return url.substr(url.find("/i/") + 3);
  }
  static std::string session_of(const std::string& page) {
    std::smatch m;
    std::regex re("data-session=\"([^\"]+)\"");
    return std::regex_search(page, m, re) ? m[1].str() : "";
  }
  json intake(const std::string& id) {
    return http_request(server_->port(), "GET", "/v1/clinic/intakes/" + id, "", auth()).json();
  }
  // Waits for the watcher to set the status.
  bool wait_status(const std::string& id, const std::string& status) {
    for (int i = 0; i < 100; ++i) {
      if (intake(id)["status"] == status) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
  }
  // Talks through the widget's channel until the outcome.
  void complete(const std::string& session, const std::string& opening) {
    WsClient ws(server_->port());
    ASSERT_TRUE(ws.connected());
    ws.send(json{{"type", "resume"}, {"token", session}, {"last_seq", 0}});
    auto turn = testing_support::read_turn(ws);
    ASSERT_FALSE(turn.empty());
    ws.send(json{{"text", opening}});
    for (int i = 0; i < 60; ++i) {
      turn = testing_support::read_turn(ws);
      ASSERT_FALSE(turn.empty());
      if (turn.back()["type"] == "outcome") return;
      ws.send(testing_support::plain_answer(turn.back()));
    }
    FAIL() << "no outcome";
  }

  TempFolder tmp_;
  std::string db_ = tmp_.file("calfbot.db");
  std::string key_;
  std::unique_ptr<ServerProcess> server_;
};

}  // namespace calfbot::clinic_test
