// The WebSocket endpoint at the level of frames (RFC 6455), over a plain TCP
// socket so the test can send what no well-behaved client library would:
// unmasked frames, reserved bits, fragmented or oversized control frames,
// interleaved fragments, invalid UTF-8 split across fragments, bad close
// codes, a connection dropped mid-frame, and a client that never reads.
// Each must end in the close code the RFC names, and never hurt the server
// or another connection.
#include <poll.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <fstream>
#include <optional>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/support/chat_client.h"
#include "tests/support/server_process.h"

namespace calfbot::testing_support {
namespace {

using nlohmann::json;

enum Opcode : unsigned char {
  kContinuation = 0x0,
  kText = 0x1,
  kBinary = 0x2,
  kClose = 0x8,
  kPing = 0x9,
  kPong = 0xA,
};

struct Frame {
  bool fin = true;
  unsigned char opcode = 0;
  std::string payload;
  // For a close frame: its status code (0 if none).
  int close_code() const {
    if (opcode != kClose || payload.size() < 2) return 0;
    return (static_cast<unsigned char>(payload[0]) << 8) | static_cast<unsigned char>(payload[1]);
  }
};

// One frame's bytes as a client sends them: masked unless told otherwise.
std::string frame(unsigned char opcode, const std::string& payload, bool fin = true,
                  bool masked = true, unsigned char rsv = 0) {
  std::string out;
  out += static_cast<char>((fin ? 0x80 : 0) | (rsv << 4) | opcode);
  unsigned char mask_bit = masked ? 0x80 : 0;
  if (payload.size() < 126) {
    out += static_cast<char>(mask_bit | payload.size());
  } else if (payload.size() <= 0xFFFF) {
    out += static_cast<char>(mask_bit | 126);
    out += static_cast<char>(payload.size() >> 8);
    out += static_cast<char>(payload.size() & 0xFF);
  } else {
    out += static_cast<char>(mask_bit | 127);
    for (int i = 7; i >= 0; --i) out += static_cast<char>((uint64_t{payload.size()} >> (8 * i)) & 0xFF);
  }
  const unsigned char key[4] = {0x37, 0xfa, 0x21, 0x3d};
  if (masked) out.append(reinterpret_cast<const char*>(key), 4);
  for (size_t i = 0; i < payload.size(); ++i) {
    out += masked ? static_cast<char>(payload[i] ^ key[i % 4]) : payload[i];
  }
  return out;
}

std::string close_payload(int code, const std::string& reason = "") {
  std::string p;
  p += static_cast<char>(code >> 8);
  p += static_cast<char>(code & 0xFF);
  return p + reason;
}

// A WebSocket client made of a bare socket. Every read waits at most a few
// seconds, so a server that does not answer fails the test instead of hanging it.
class RawWs {
 public:
  explicit RawWs(unsigned short port, int receive_buffer = 0) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    if (receive_buffer > 0) {
      ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof receive_buffer);
    }
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) return;
    write("GET /v1/chat HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
          "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
          "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
    // the response head, byte by byte so no frame bytes are taken with it
    std::string head;
    char c;
    while (head.find("\r\n\r\n") == std::string::npos && read_bytes(&c, 1)) head += c;
    upgraded_ = head.rfind("HTTP/1.1 101", 0) == 0 &&
                // RFC 6455 section 1.3: the accept value for this key
                head.find("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=") != std::string::npos;
  }
  ~RawWs() {
    if (fd_ >= 0) ::close(fd_);
  }
  RawWs(const RawWs&) = delete;
  RawWs& operator=(const RawWs&) = delete;

  bool upgraded() const { return upgraded_; }

  // false when the peer is gone
  bool write(const std::string& bytes) {
    size_t done = 0;
    while (done < bytes.size()) {
      ssize_t n = ::send(fd_, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
      if (n <= 0) return false;
      done += static_cast<size_t>(n);
    }
    return true;
  }

  // Sends without blocking for longer than `wait_ms`; false if the socket
  // would not take the bytes in that time (the server is not reading) or is gone.
  bool try_write(const std::string& bytes, int wait_ms) {
    size_t done = 0;
    while (done < bytes.size()) {
      pollfd p{fd_, POLLOUT, 0};
      if (::poll(&p, 1, wait_ms) <= 0 || (p.revents & (POLLERR | POLLHUP))) return false;
      ssize_t n = ::send(fd_, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL | MSG_DONTWAIT);
      if (n <= 0) return false;
      done += static_cast<size_t>(n);
    }
    return true;
  }

  // The next frame, or nullopt if the connection ended or nothing came in time.
  std::optional<Frame> read_frame(int timeout_ms = 10000) {
    unsigned char h[2];
    if (!read_bytes(h, 2, timeout_ms)) return std::nullopt;
    Frame f;
    f.fin = h[0] & 0x80;
    f.opcode = h[0] & 0x0F;
    uint64_t len = h[1] & 0x7F;
    if (len == 126) {
      unsigned char e[2];
      if (!read_bytes(e, 2, timeout_ms)) return std::nullopt;
      len = (e[0] << 8) | e[1];
    } else if (len == 127) {
      unsigned char e[8];
      if (!read_bytes(e, 8, timeout_ms)) return std::nullopt;
      len = 0;
      for (unsigned char b : e) len = (len << 8) | b;
    }
    if (h[1] & 0x80) return std::nullopt;  // a server must not mask
    f.payload.resize(len);
    if (len && !read_bytes(f.payload.data(), len, timeout_ms)) return std::nullopt;
    return f;
  }

  // Reads frames until a close frame; its code, or -1 if the connection
  // ended (or went quiet) without one.
  int close_code(int timeout_ms = 10000) {
    while (auto f = read_frame(timeout_ms)) {
      if (f->opcode == kClose) return f->close_code();
    }
    return -1;
  }

  // Closes the socket at once (no close frame).
  void drop() {
    ::close(fd_);
    fd_ = -1;
  }

 private:
  bool read_bytes(void* into, size_t n, int timeout_ms = 10000) {
    auto* p = static_cast<char*>(into);
    while (n > 0) {
      pollfd pf{fd_, POLLIN, 0};
      if (::poll(&pf, 1, timeout_ms) <= 0) return false;
      ssize_t got = ::recv(fd_, p, n, 0);
      if (got <= 0) return false;
      p += got;
      n -= static_cast<size_t>(got);
    }
    return true;
  }

  int fd_ = -1;
  bool upgraded_ = false;
};

std::map<std::string, std::string> env_for(const TempFolder& dir) {
  return {{"CALFBOT_STORE__PATH", dir.file("calfbot.db")},
          {"CALFBOT_STORE__SYNCHRONOUS", "normal"},
          {"CALFBOT_SERVER__MAX_FRAME_BYTES", "4096"},
          {"CALFBOT_SERVER__MESSAGES_PER_SECOND", "10000"},
          {"CALFBOT_SERVER__MESSAGE_BURST", "10000"}};
}

class WebSocketFrames : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempFolder();
    server_ = new ServerProcess(env_for(*dir_));
  }
  static void TearDownTestSuite() {
    delete server_;
    delete dir_;
  }
  void TearDown() override {
    // whatever a test sent, the server still serves everyone else
    WsClient c(server_->port());
    ASSERT_TRUE(c.connected());
    c.send(json{{"type", "hello"}});
    auto m = c.read();
    ASSERT_TRUE(m) << "the server stopped answering\n" << server_->output();
    EXPECT_EQ((*m)["type"], "session");
  }
  static unsigned short port() { return server_->port(); }

  static TempFolder* dir_;
  static ServerProcess* server_;
};

TempFolder* WebSocketFrames::dir_ = nullptr;
ServerProcess* WebSocketFrames::server_ = nullptr;

std::string hello() { return json{{"type", "hello"}}.dump(); }

// The server's first text message after a hello: the session.
void expect_session(RawWs& ws) {
  for (int i = 0; i < 10; ++i) {
    auto f = ws.read_frame();
    ASSERT_TRUE(f) << "no reply";
    if (f->opcode != kText) continue;
    EXPECT_EQ(json::parse(f->payload)["type"], "session");
    return;
  }
  FAIL() << "no session message";
}

TEST_F(WebSocketFrames, TheHandshakeFollowsTheRfc) {
  RawWs ws(port());
  EXPECT_TRUE(ws.upgraded());
}

TEST_F(WebSocketFrames, APingGetsAPongWithTheSamePayload) {
  RawWs ws(port());
  ASSERT_TRUE(ws.upgraded());
  ws.write(frame(kPing, "are you there"));
  auto f = ws.read_frame();
  ASSERT_TRUE(f);
  EXPECT_EQ(f->opcode, kPong);
  EXPECT_EQ(f->payload, "are you there");
}

TEST_F(WebSocketFrames, AFragmentedMessageWithAPingBetweenItsFragmentsIsOneMessage) {
  RawWs ws(port());
  ASSERT_TRUE(ws.upgraded());
  std::string text = hello();
  ws.write(frame(kText, text.substr(0, 5), false));
  ws.write(frame(kPing, "between"));
  ws.write(frame(kContinuation, text.substr(5, 4), false));
  ws.write(frame(kContinuation, text.substr(9), true));
  auto pong = ws.read_frame();
  ASSERT_TRUE(pong);
  EXPECT_EQ(pong->opcode, kPong) << "a control frame may come between fragments";
  EXPECT_EQ(pong->payload, "between");
  expect_session(ws);
}

TEST_F(WebSocketFrames, AnUnmaskedClientFrameIsAProtocolError1002) {
  RawWs ws(port());
  ASSERT_TRUE(ws.upgraded());
  ws.write(frame(kText, hello(), true, false));
  EXPECT_EQ(ws.close_code(), 1002);
}

TEST_F(WebSocketFrames, ReservedBitsWithoutAnExtensionAre1002) {
  RawWs ws(port());
  ASSERT_TRUE(ws.upgraded());
  ws.write(frame(kText, hello(), true, true, 0x4));
  EXPECT_EQ(ws.close_code(), 1002);
}

TEST_F(WebSocketFrames, AnUnknownOpcodeIs1002) {
  RawWs ws(port());
  ASSERT_TRUE(ws.upgraded());
  ws.write(frame(0x3, "x"));
  EXPECT_EQ(ws.close_code(), 1002);
}

TEST_F(WebSocketFrames, AControlFrameOver125BytesIs1002) {
  RawWs ws(port());
  ASSERT_TRUE(ws.upgraded());
  ws.write(frame(kPing, std::string(126, 'p')));
  EXPECT_EQ(ws.close_code(), 1002);
}

TEST_F(WebSocketFrames, AFragmentedControlFrameIs1002) {
  RawWs ws(port());
  ASSERT_TRUE(ws.upgraded());
  ws.write(frame(kPing, "half", false));
  EXPECT_EQ(ws.close_code(), 1002);
}

TEST_F(WebSocketFrames, AContinuationWithNothingToContinueIs1002) {
  RawWs ws(port());
  ASSERT_TRUE(ws.upgraded());
  ws.write(frame(kContinuation, hello()));
  EXPECT_EQ(ws.close_code(), 1002);
}

TEST_F(WebSocketFrames, ANewMessageInsideAFragmentedOneIs1002) {
  RawWs ws(port());
  ASSERT_TRUE(ws.upgraded());
  ws.write(frame(kText, "{\"type\":", false));
  ws.write(frame(kText, "\"hello\"}"));
  EXPECT_EQ(ws.close_code(), 1002);
}

TEST_F(WebSocketFrames, InvalidUtf8SplitAcrossFragmentsIs1007) {
  RawWs ws(port());
  ASSERT_TRUE(ws.upgraded());
  // "\xce\xba" is a valid two-byte sequence; "\xce" followed by "(" is not
  ws.write(frame(kText, "{\"text\": \"\xce", false));
  ws.write(frame(kContinuation, "(\"}"));
  EXPECT_EQ(ws.close_code(), 1007);
}

TEST_F(WebSocketFrames, AValidUtf8CharacterSplitAcrossFragmentsIsFine) {
  RawWs ws(port());
  ASSERT_TRUE(ws.upgraded());
  ws.write(frame(kText, "{\"type\": \"hello\", \"x\": \"\xce", false));
  ws.write(frame(kContinuation, "\xba\"}"));
  // an unknown field is refused by the protocol, not by the transport
  for (int i = 0; i < 5; ++i) {
    auto f = ws.read_frame();
    ASSERT_TRUE(f) << "the connection was dropped";
    ASSERT_NE(f->opcode, kClose) << "closed with " << f->close_code();
    if (f->opcode == kText) {
      EXPECT_EQ(json::parse(f->payload)["type"], "error") << f->payload;
      return;
    }
  }
}

TEST_F(WebSocketFrames, AMessageDeclaredLargerThanTheLimitIs1009BeforeItArrives) {
  RawWs ws(port());
  ASSERT_TRUE(ws.upgraded());
  // the header says 1 GiB; no payload follows
  std::string h;
  h += static_cast<char>(0x80 | kText);
  h += static_cast<char>(0x80 | 127);
  for (int i = 7; i >= 0; --i) h += static_cast<char>((uint64_t{1} << 30) >> (8 * i) & 0xFF);
  h += std::string(4, '\x11');
  ws.write(h);
  EXPECT_EQ(ws.close_code(), 1009);
}

TEST_F(WebSocketFrames, FragmentsThatAddUpPastTheLimitAre1009) {
  RawWs ws(port());
  ASSERT_TRUE(ws.upgraded());
  ws.write(frame(kText, std::string(3000, ' '), false));
  ws.write(frame(kContinuation, std::string(3000, ' ')));
  EXPECT_EQ(ws.close_code(), 1009);
}

TEST_F(WebSocketFrames, TheClientsCloseIsAnsweredWithTheSameCode) {
  RawWs ws(port());
  ASSERT_TRUE(ws.upgraded());
  ws.write(frame(kClose, close_payload(1000, "bye")));
  EXPECT_EQ(ws.close_code(), 1000);
}

TEST_F(WebSocketFrames, ACloseWithAnInvalidCodeIs1002) {
  RawWs ws(port());
  ASSERT_TRUE(ws.upgraded());
  ws.write(frame(kClose, close_payload(1005)));  // 1005 must never be sent
  EXPECT_EQ(ws.close_code(), 1002);
}

TEST_F(WebSocketFrames, AConnectionDroppedMidFrameOrMidConversationHurtsNothing) {
  {
    RawWs ws(port());
    ASSERT_TRUE(ws.upgraded());
    ws.write(frame(kText, hello()).substr(0, 4));  // half a header
    ws.drop();
  }
  {
    RawWs ws(port());
    ASSERT_TRUE(ws.upgraded());
    ws.write(frame(kText, hello()));
    ws.write(frame(kText, json{{"text", "my calf hurts"}}.dump()));
    ws.drop();  // before reading the replies
  }
  {
    RawWs ws(port());
    ws.drop();  // before the handshake's reply
  }
  // TearDown checks the server still serves
}

long rss_kib(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  }
  return -1;
}

// A client that sends and never reads: the server keeps a short queue of
// replies for it, then closes it (1008, "client not reading") instead of
// holding more and more replies in memory.
TEST(WebSocketSlowReader, IsClosedWith1008AndTheServerDoesNotGrow) {
  TempFolder dir;
  ServerProcess server(env_for(dir));
  RawWs ws(server.port(), 4096);
  ASSERT_TRUE(ws.upgraded());
  long before = rss_kib(server.pid());
  ASSERT_GT(before, 0);
  ws.write(frame(kText, hello()));
  // Every "nonsense" gets an error reply of about 150 bytes; 40,000 of them
  // are some 6 MB the client never reads.
  std::string nonsense = frame(kText, json{{"type", "nonsense"}}.dump());
  int sent = 0;
  while (sent < 40000 && ws.try_write(nonsense, 3000)) ++sent;
  long after = rss_kib(server.pid());
  std::string log = server.output();
  EXPECT_NE(log.find("websocket_client_not_reading"), std::string::npos)
      << "sent " << sent << " messages; server log:\n" << log.substr(log.size() > 3000 ? log.size() - 3000 : 0);
  // now read: the replies that were in flight, then the close
  EXPECT_EQ(ws.close_code(), 1008);
  EXPECT_LT(after - before, 32 * 1024) << "the server grew by " << (after - before) << " KiB for one client";
}

}  // namespace
}  // namespace calfbot::testing_support
