// The server under abuse, from outside, as an attacker would try it
// (docs/security.md): a flood of connections from one address and from a
// few, request smuggling by ambiguous framing, and clients behind a proxy.
#include <sys/resource.h>
#include <sys/stat.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include "tests/support/chat_client.h"
#include "tests/support/server_process.h"

namespace calfbot::testing_support {
namespace {

namespace net = boost::asio;
using tcp = net::ip::tcp;
using nlohmann::json;

std::map<std::string, std::string> base_env(const TempFolder& dir) {
  return {{"CALFBOT_STORE__PATH", dir.file("calfbot.db")},
          {"CALFBOT_STORE__SYNCHRONOUS", "normal"}};
}

// Raises this process's descriptor limit (and so the server's, which it
// starts) to `need` where it may (as root it may raise the hard limit too);
// returns the limit it got.
rlim_t raise_descriptors(rlim_t need) {
  rlimit rl{};
  getrlimit(RLIMIT_NOFILE, &rl);
  rlimit want{std::max(rl.rlim_cur, need), std::max(rl.rlim_max, need)};
  if (setrlimit(RLIMIT_NOFILE, &want) != 0) {
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
  }
  getrlimit(RLIMIT_NOFILE, &rl);
  return rl.rlim_cur;
}

// The bytes the server answers to `request`, read until it closes (or 5 s).
std::string raw_exchange(unsigned short port, const std::string& request) {
  net::io_context ioc;
  tcp::socket s(ioc);
  s.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
  net::write(s, net::buffer(request));
  std::string out;
  timeval tv{5, 0};
  setsockopt(s.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  char buf[4096];
  for (;;) {
    ssize_t n = ::recv(s.native_handle(), buf, sizeof buf, 0);
    if (n <= 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

// Idle connections from `source`, opened one after another (a burst of
// thousands at once would be dropped by the kernel's backlog on loopback).
std::vector<std::unique_ptr<tcp::socket>> open_idle(net::io_context& ioc, unsigned short port,
                                                    const std::string& source, int n) {
  std::vector<std::unique_ptr<tcp::socket>> out;
  for (int i = 0; i < n; ++i) {
    auto s = std::make_unique<tcp::socket>(ioc);
    boost::system::error_code ec;
    s->open(tcp::v4(), ec);
    s->bind(tcp::endpoint(net::ip::make_address(source), 0), ec);
    s->connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port), ec);
    if (!ec) out.push_back(std::move(s));
  }
  return out;
}

TEST(Abuse, TwentyThousandConnectionsFromOneAddressLeaveOthersServed) {
  // 20,000 where the limits allow (CI runs as root); fewer, but still far
  // past every cap of the server, where they do not.
  const rlim_t limit = raise_descriptors(24000);
  const int flood_size = static_cast<int>(std::min<rlim_t>(20000, limit > 3000 ? limit - 2000 : 1000));
  ASSERT_GE(flood_size, 1000) << "descriptor limit " << limit;
  TempFolder dir;
  // The server gets far fewer descriptors than the flood has connections:
  // a server that held every refused connection would run out.
  ServerProcess server(base_env(dir), 4096);
  net::io_context ioc;
  auto flood = open_idle(ioc, server.port(), "127.0.0.1", flood_size);
  EXPECT_GT(flood.size(), static_cast<size_t>(flood_size) * 9 / 10)
      << "the kernel accepted the flood's connections";
  // The flood is held to its share and its refusals; the rest were closed.
  auto health = http_request(server.port(), "GET", "/healthz", "", {}, "127.0.0.3");
  EXPECT_EQ(health.status, 200);
  auto other = http_request(server.port(), "POST", "/v1/conversations", "", {}, "127.0.0.2");
  EXPECT_EQ(other.status, 201) << other.body;
  EXPECT_TRUE(server.running());
}

TEST(Abuse, FourAddressesFillingTheirSharesLeaveRoomForOthers) {
  TempFolder dir;
  auto env = base_env(dir);
  env["CALFBOT_SERVER__MAX_CONNECTIONS"] = "256";
  env["CALFBOT_SERVER__MAX_CONNECTIONS_PER_ADDRESS"] = "64";
  ServerProcess server(env);
  net::io_context ioc;
  std::vector<std::unique_ptr<tcp::socket>> held;
  for (const char* source : {"127.0.0.10", "127.0.0.11", "127.0.0.12", "127.0.0.13"}) {
    for (auto& s : open_idle(ioc, server.port(), source, 64)) held.push_back(std::move(s));
  }
  for (const char* patient : {"127.0.0.20", "127.0.0.21", "127.0.0.22"}) {
    auto r = http_request(server.port(), "POST", "/v1/conversations", "", {}, patient);
    EXPECT_EQ(r.status, 201) << patient << ": " << r.body;
  }
}

TEST(Abuse, AmbiguousFramingIsRefusedNotSmuggled) {
  TempFolder dir;
  ServerProcess server(base_env(dir));
  const std::string smuggled = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
  const std::string body = "5\r\nhello\r\n0\r\n\r\n" + smuggled;
  for (const std::string te : {"xchunked", "identity", "chunked, identity", "gzip, chunked"}) {
    const std::string reply = raw_exchange(
        server.port(), "POST /v1/conversations HTTP/1.1\r\nHost: x\r\nContent-Type: "
                       "application/json\r\nTransfer-Encoding: " + te + "\r\n\r\n" + body);
    EXPECT_EQ(reply.rfind("HTTP/1.1 400", 0), 0u) << te << ": " << reply.substr(0, 200);
    EXPECT_NE(reply.find("bad_framing"), std::string::npos) << te;
    EXPECT_EQ(reply.find("HTTP/1.1", 1), std::string::npos) << te << ": a second response";
  }
  const std::string both = raw_exchange(
      server.port(),
      "POST /v1/conversations HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: "
      "chunked\r\n\r\n0\r\n\r\n");
  EXPECT_EQ(both.rfind("HTTP/1.1 400", 0), 0u) << both.substr(0, 200);
  const std::string folded = raw_exchange(
      server.port(), "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Note: one\r\n two\r\n\r\n");
  EXPECT_EQ(folded.rfind("HTTP/1.1 400", 0), 0u) << folded.substr(0, 200);
  // Plain chunked and Content-Length requests still work.
  const std::string chunked = raw_exchange(
      server.port(), "POST /v1/conversations HTTP/1.1\r\nHost: x\r\nContent-Type: "
                     "application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                     "2\r\n{}\r\n0\r\n\r\n");
  EXPECT_EQ(chunked.rfind("HTTP/1.1 201", 0), 0u) << chunked.substr(0, 200);
}

TEST(Abuse, BehindATrustedProxyEachClientHasItsOwnLimits) {
  TempFolder dir;
  auto env = base_env(dir);
  env["CALFBOT_SERVER__TRUSTED_PROXIES"] = "[\"127.0.0.1\"]";
  env["CALFBOT_SERVER__CONVERSATIONS_PER_ADDRESS_PER_MINUTE"] = "2";
  ServerProcess server(env);
  auto start = [&](const std::string& forwarded, const std::string& source) {
    return http_request(server.port(), "POST", "/v1/conversations", "",
                        {{"X-Forwarded-For", forwarded}}, source)
        .status;
  };
  // Through the proxy: limited by the forwarded address.
  EXPECT_EQ(start("203.0.113.5", "127.0.0.1"), 201);
  EXPECT_EQ(start("203.0.113.5", "127.0.0.1"), 201);
  EXPECT_EQ(start("203.0.113.5", "127.0.0.1"), 429);
  EXPECT_EQ(start("203.0.113.6", "127.0.0.1"), 201) << "another patient behind the proxy";
  // From anywhere else the header is ignored: limited by its own address.
  EXPECT_EQ(start("198.51.100.1", "127.0.0.2"), 201);
  EXPECT_EQ(start("198.51.100.2", "127.0.0.2"), 201);
  EXPECT_EQ(start("198.51.100.3", "127.0.0.2"), 429);
}

TEST(Abuse, DatabaseFilesAreReadableByTheServersUserAlone) {
  TempFolder dir;
  {
    ServerProcess server(base_env(dir));
    EXPECT_EQ(http_request(server.port(), "POST", "/v1/conversations").status, 201);
    for (const char* suffix : {"", "-wal", "-shm"}) {
      struct stat st {};
      ASSERT_EQ(::stat(dir.file(std::string("calfbot.db") + suffix).c_str(), &st), 0) << suffix;
      EXPECT_EQ(st.st_mode & 0777, 0600u) << "calfbot.db" << suffix;
    }
  }
  // A file an earlier run left open to others is closed to them at start.
  ::chmod(dir.file("calfbot.db").c_str(), 0644);
  ServerProcess again(base_env(dir));
  struct stat st {};
  ASSERT_EQ(::stat(dir.file("calfbot.db").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST(Abuse, MetricsAreForThisMachineOrTheTokenOnly) {
  TempFolder dir;
  {
    ServerProcess server(base_env(dir));
    EXPECT_EQ(http_request(server.port(), "GET", "/metrics").status, 200) << "from loopback";
    auto other = http_request(server.port(), "GET", "/metrics", "", {}, "127.0.0.2");
    EXPECT_EQ(other.status, 200) << "127.0.0.2 is this machine too";
  }
  auto env = base_env(dir);
  env["CALFBOT_SERVER__METRICS_TOKEN"] = "a-long-metrics-secret";
  ServerProcess server(env);
  auto none = http_request(server.port(), "GET", "/metrics");
  EXPECT_EQ(none.status, 403);
  EXPECT_EQ(none.json()["code"], "forbidden");
  EXPECT_EQ(http_request(server.port(), "GET", "/metrics", "",
                         {{"Authorization", "Bearer a-long-metrics-secreX"}})
                .status,
            403);
  EXPECT_EQ(http_request(server.port(), "GET", "/metrics", "",
                         {{"Authorization", "Bearer a-long-metrics-secret"}})
                .status,
            200);
}

TEST(Abuse, OnlyJsonStartsAConversation) {
  TempFolder dir;
  ServerProcess server(base_env(dir));
  for (const char* type : {"text/plain", "application/x-www-form-urlencoded", "multipart/form-data"}) {
    auto r = http_request(server.port(), "POST", "/v1/conversations", "x",
                          {{"Content-Type", type}});
    EXPECT_EQ(r.status, 415) << type;
    EXPECT_EQ(r.json()["code"], "unsupported_media_type") << type;
  }
  EXPECT_EQ(http_request(server.port(), "POST", "/v1/conversations", "{}",
                         {{"Content-Type", "application/json; charset=utf-8"}})
                .status,
            201);
}

TEST(Abuse, EveryResponseCarriesTheSecurityHeaders) {
  TempFolder dir;
  ServerProcess server(base_env(dir));
  for (const char* target : {"/", "/healthz", "/nowhere", "/widget.js"}) {
    auto r = http_request(server.port(), "GET", target);
    EXPECT_EQ(r.headers["x-content-type-options"], "nosniff") << target;
    EXPECT_EQ(r.headers["referrer-policy"], "no-referrer") << target;
    if (r.headers["content-type"].rfind("text/html", 0) == 0) {
      EXPECT_NE(r.headers["content-security-policy"].find("frame-ancestors"), std::string::npos)
          << target;
    }
  }
}

TEST(Abuse, TheServersOwnOriginComesFromItsAddressNotTheHostHeader) {
  TempFolder dir;
  ServerProcess server(base_env(dir));
  const std::string port = std::to_string(server.port());
  WsClient own(server.port(), "http://127.0.0.1:" + port);
  own.send(json{{"type", "hello"}});
  auto session = own.read();
  ASSERT_TRUE(session);
  EXPECT_EQ((*session)["type"], "session");
  // A DNS-rebinding page: the attacker's name resolves to this server, and the
  // browser sends Host and Origin with that name. Refused: close 1008.
  WsClient rebound(server.port(), "http://rebind.evil.example:" + port);
  rebound.send(json{{"type", "hello"}});
  EXPECT_FALSE(rebound.read());
  EXPECT_EQ(rebound.close_code(), 1008);
}

TEST(Abuse, AMessageNestedHundredsOfThousandsDeepIsRefusedAtAnyFrameSize) {
  TempFolder dir;
  auto env = base_env(dir);
  env["CALFBOT_SERVER__MAX_FRAME_BYTES"] = std::to_string(16 << 20);
  ServerProcess server(env);
  WsClient ws(server.port());
  ASSERT_TRUE(ws.connected());
  ws.send(std::string(100000, '[') + std::string(100000, ']'));
  auto r = ws.read();
  ASSERT_TRUE(r);
  EXPECT_EQ((*r)["code"], "too_deep");
  ws.send(json{{"type", "hello"}});
  auto session = ws.read();
  ASSERT_TRUE(session) << "the server is still there";
  EXPECT_EQ((*session)["type"], "session");
  auto rest = http_request(server.port(), "POST", "/v1/conversations",
                           std::string(100000, '{') + std::string(100000, '}'));
  EXPECT_EQ(rest.status, 400);
  EXPECT_EQ(rest.json()["code"], "too_deep");
}

// One client sending turn after turn to one conversation (docs/security.md):
// past dialog.max_turns every message gets conversation_full and nothing more
// is written, so the store's write rate stays flat; an emergency still gets
// through.
TEST(Abuse, AConversationAtItsTurnLimitIsRefusedAndWritesNothingMore) {
  TempFolder dir;
  auto env = base_env(dir);
  env["CALFBOT_DIALOG__MAX_TURNS"] = "10";
  env["CALFBOT_SERVER__MESSAGE_BURST"] = "1000";
  ServerProcess server(env);
  auto started = http_request(server.port(), "POST", "/v1/conversations", "{}",
                              {{"Content-Type", "application/json"}});
  ASSERT_EQ(started.status, 201) << started.body;
  const std::string id = started.json()["conversation_id"];
  const std::map<std::string, std::string> auth{
      {"Authorization", "Bearer " + started.json()["token"].get<std::string>()}};
  const std::string messages = "/v1/conversations/" + id + "/messages";
  auto say = [&](const std::string& text) {
    return http_request(server.port(), "POST", messages, json{{"text", text}}.dump(), auth);
  };
  for (int i = 0; i < 10; ++i) ASSERT_EQ(say(i == 0 ? "my calf aches" : "restart").status, 200);
  auto transcript_size = [&] {
    auto r = http_request(server.port(), "GET", messages, "", auth);
    return r.json()["messages"].size();
  };
  auto bytes_on_disk = [&] {
    std::uintmax_t n = 0;
    for (const char* f : {"calfbot.db", "calfbot.db-wal"}) {
      std::error_code ec;
      auto size = std::filesystem::file_size(dir.file(f), ec);
      if (!ec) n += size;
    }
    return n;
  };
  const size_t kept = transcript_size();
  const std::uintmax_t disk = bytes_on_disk();
  for (int i = 0; i < 200; ++i) {
    auto r = say("still here, message " + std::to_string(i));
    ASSERT_EQ(r.status, 409) << r.body;
    ASSERT_EQ(r.json()["code"], "conversation_full");
  }
  EXPECT_EQ(transcript_size(), kept);
  EXPECT_EQ(bytes_on_disk(), disk);
  auto emergency = say("I suddenly can't breathe properly and my chest hurts");
  ASSERT_EQ(emergency.status, 200) << emergency.body;
  EXPECT_EQ(emergency.json()["messages"][0]["type"], "escalation");
  EXPECT_EQ(emergency.json()["messages"][0]["level"], "emergency");
}

}  // namespace
}  // namespace calfbot::testing_support
