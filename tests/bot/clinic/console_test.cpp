// The staff console against the real `calfbot serve` over loopback sockets
// (docs/console.md): login and its cookie, the CSRF token, lock-out after
// failures, clinic scoping, the audit, and the live event stream.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>

#include "console_fixture.h"

namespace calfbot {
namespace {

using clinic_test::ClinicServer;
using clinic_test::Console;
using clinic_test::create_key;
using clinic_test::kPassword;
using clinic_test::Login;
using clinic_test::make_staff;
using nlohmann::json;
using testing_support::http_request;
using testing_support::ServerProcess;
using testing_support::WsClient;

TEST_F(Console, LoginSetsAStrictHttpOnlyCookieAndLogoutNeedsTheCsrfToken) {
  ASSERT_NE(make_staff(db_, "ann@clinic.example", "default").find("st_"), std::string::npos);
  key_ = create_key(db_);
  server_ = std::make_unique<ServerProcess>(env());
  auto page = http_request(server_->port(), "GET", "/console");
  ASSERT_EQ(page.status, 200);
  EXPECT_NE(page.headers["content-security-policy"].find("frame-ancestors 'none'"),
            std::string::npos);
  EXPECT_NE(page.body.find("/console/console.js"), std::string::npos);

  EXPECT_EQ(get({}, "/console/api/intakes").json()["code"], "not_logged_in");
  Login l = login("ANN@clinic.example", kPassword);  // an email is compared without case
  ASSERT_EQ(l.status, 200) << l.body.dump();
  EXPECT_EQ(l.body["staff"]["name"], "Ann Lee");
  EXPECT_EQ(l.body["staff"]["clinic"], "default");
  EXPECT_NE(l.set_cookie.find("HttpOnly"), std::string::npos) << l.set_cookie;
  EXPECT_NE(l.set_cookie.find("SameSite=Strict"), std::string::npos);
  EXPECT_NE(l.set_cookie.find("Path=/console"), std::string::npos);
  EXPECT_EQ(l.set_cookie.find("Secure"), std::string::npos) << "plain http: no Secure";
  EXPECT_GE(l.cookie.size(), std::string("calfbot_console=").size() + 43);
  const std::string staff_id = l.body["staff"]["id"];

  auto session = get(l, "/console/api/session");
  ASSERT_EQ(session.status, 200);
  EXPECT_EQ(session.json()["csrf_token"], l.csrf);

  // No token, a wrong one: refused, and the session lives on.
  auto bare = post(l, "/console/logout");
  EXPECT_EQ(bare.status, 403);
  EXPECT_EQ(bare.json()["code"], "csrf_invalid");
  EXPECT_NE(bare.json()["text"].get<std::string>().find("X-CSRF-Token"), std::string::npos);
  EXPECT_EQ(post(l, "/console/logout", {{"X-CSRF-Token", std::string(64, 'a')}}).status, 403);
  EXPECT_EQ(get(l, "/console/api/session").status, 200);

  auto out = post(l, "/console/logout", {{"X-CSRF-Token", l.csrf}});
  EXPECT_EQ(out.status, 200);
  EXPECT_NE(out.headers["set-cookie"].find("Max-Age=0"), std::string::npos);
  EXPECT_EQ(get(l, "/console/api/session").json()["code"], "not_logged_in");
  EXPECT_TRUE(audited(staff_id, "console.login"));
  EXPECT_TRUE(audited(staff_id, "console.logout"));
}

TEST_F(Console, TheLoginTakesJsonOnlyAndSaysWhatIsWrong) {
  make_staff(db_, "ann@clinic.example", "default");
  server_ = std::make_unique<ServerProcess>(env());
  auto form = http_request(server_->port(), "POST", "/console/login", "email=a&password=b",
                           {{"Content-Type", "application/x-www-form-urlencoded"}});
  EXPECT_EQ(form.status, 415);
  auto missing = http_request(server_->port(), "POST", "/console/login", "{\"email\": \"a@b.c\"}",
                              {{"Content-Type", "application/json"}});
  EXPECT_EQ(missing.status, 400);
  EXPECT_EQ(missing.json()["code"], "bad_request");
  EXPECT_NE(missing.json()["text"].get<std::string>().find("password"), std::string::npos);
  EXPECT_EQ(http_request(server_->port(), "GET", "/console/login").status, 405);
}

TEST_F(Console, RepeatedFailuresLockTheAccountEvenForTheRightPassword) {
  make_staff(db_, "ann@clinic.example", "default");
  key_ = create_key(db_);
  server_ = std::make_unique<ServerProcess>(env({{"CALFBOT_CONSOLE__MAX_FAILED_LOGINS", "3"}}));
  for (int i = 0; i < 3; ++i) {
    Login bad = login("ann@clinic.example", "wrong password " + std::to_string(i));
    EXPECT_EQ(bad.status, 401);
    EXPECT_EQ(bad.body["code"], "login_failed");
    EXPECT_TRUE(bad.set_cookie.empty());
  }
  Login locked = login("ann@clinic.example", kPassword);
  EXPECT_EQ(locked.status, 429);
  EXPECT_EQ(locked.body["code"], "account_locked");
  EXPECT_TRUE(locked.set_cookie.empty());
  // An email with no account fails and locks the same way: a lock tells nothing.
  for (int i = 0; i < 3; ++i)
    EXPECT_EQ(login("nobody@clinic.example", "whatever it is").status, 401);
  EXPECT_EQ(login("nobody@clinic.example", "whatever it is").status, 429);
  bool failed = false, refused = false;
  for (const auto& e : audit()) {
    failed = failed || e["action"] == "console.login_failed_locked";
    refused = refused || e["action"] == "console.login_locked";
  }
  EXPECT_TRUE(failed);
  EXPECT_TRUE(refused);
}

TEST_F(Console, AClinicsStaffSeeOnlyThatClinicsIntakes) {
  make_staff(db_, "ann@clinic.example", "default");
  make_staff(db_, "bob@north.example", "north");
  key_ = create_key(db_);
  server_ = std::make_unique<ServerProcess>(env());
  json created = post_intake({{"patient_ref", "MRN-2001"}});
  const std::string id = created["id"];
  Login ann = login("ann@clinic.example", kPassword), bob = login("bob@north.example", kPassword);
  ASSERT_EQ(ann.status, 200);
  ASSERT_EQ(bob.status, 200);

  auto mine = get(ann, "/console/api/intakes/" + id);
  ASSERT_EQ(mine.status, 200) << mine.body;
  EXPECT_EQ(mine.json()["patient_ref"], "MRN-2001");
  EXPECT_EQ(get(ann, "/console/api/intakes").json()["intakes"].size(), 1u);

  EXPECT_EQ(get(bob, "/console/api/intakes").json()["intakes"].size(), 0u);
  for (const char* what : {"", "/summary", "/summary.html", "/fhir", "/transcript"}) {
    auto theirs = get(bob, "/console/api/intakes/" + id + what);
    EXPECT_EQ(theirs.status, 404) << what;
    EXPECT_EQ(theirs.json()["code"], "intake_not_found") << what;
    EXPECT_EQ(theirs.body.find("MRN-2001"), std::string::npos);
  }
  EXPECT_TRUE(audited(ann.body["staff"]["id"], "console.intakes"));
}

// A raw event-stream reader: the request, then the bytes as they come.
class EventStream {
 public:
  EventStream(unsigned short port, const std::string& cookie) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a);
    std::string req =
        "GET /console/api/events HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: " + cookie + "\r\n\r\n";
    send(fd_, req.data(), req.size(), 0);
  }
  ~EventStream() { close(fd_); }
  // Reads until `text` came or `timeout` passed; true if it came.
  bool wait_for(const std::string& text, std::chrono::milliseconds timeout) {
    const auto until = std::chrono::steady_clock::now() + timeout;
    while (got_.find(text) == std::string::npos) {
      auto left = std::chrono::duration_cast<std::chrono::microseconds>(
          until - std::chrono::steady_clock::now());
      if (left.count() <= 0) return false;
      timeval tv{static_cast<time_t>(left.count() / 1000000),
                 static_cast<suseconds_t>(left.count() % 1000000)};
      setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
      std::array<char, 4096> buf{};
      ssize_t n = recv(fd_, buf.data(), buf.size(), 0);
      if (n <= 0) return got_.find(text) != std::string::npos;
      got_.append(buf.data(), static_cast<size_t>(n));
    }
    return true;
  }
  // Reads until the server closes the stream; false if it is still open after `timeout`.
  bool ends_within(std::chrono::milliseconds timeout) {
    const std::string never = "\x01never\x01";
    const auto until = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < until) {
      timeval tv{0, 200000};
      setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
      std::array<char, 4096> buf{};
      ssize_t n = recv(fd_, buf.data(), buf.size(), 0);
      if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)) return true;
      if (n > 0) got_.append(buf.data(), static_cast<size_t>(n));
    }
    return false;
  }
  const std::string& got() const { return got_; }

 private:
  int fd_ = -1;
  std::string got_;
};

TEST_F(Console, AnEscalationReachesTheClinicsEventStreamWithinASecondAndListsFirst) {
  make_staff(db_, "ann@clinic.example", "default");
  make_staff(db_, "bob@north.example", "north");
  key_ = create_key(db_);
  server_ = std::make_unique<ServerProcess>(env());
  json quiet = post_intake({{"patient_ref", "MRN-QUIET"}});
  json urgent = post_intake({{"patient_ref", "MRN-ESCALATES"}});
  Login ann = login("ann@clinic.example", kPassword), bob = login("bob@north.example", kPassword);
  EventStream ann_events(server_->port(), ann.cookie), bob_events(server_->port(), bob.cookie);
  ASSERT_TRUE(ann_events.wait_for(": open", std::chrono::seconds(5))) << ann_events.got();
  EXPECT_NE(ann_events.got().find("text/event-stream"), std::string::npos);
  ASSERT_TRUE(bob_events.wait_for(": open", std::chrono::seconds(5)));
  EventStream nobody(server_->port(), "calfbot_console=forged");
  EXPECT_TRUE(nobody.wait_for("not_logged_in", std::chrono::seconds(5))) << nobody.got();

  std::string session =
      session_of(http_request(server_->port(), "GET", "/i/" + token_of(urgent)).body);
  WsClient ws(server_->port());
  ws.send(json{{"type", "resume"}, {"token", session}, {"last_seq", 0}});
  ASSERT_FALSE(testing_support::read_turn(ws).empty());
  ws.send(
      json{{"text", "my left calf is swollen and now I have chest pain and I am short of breath"}});
  ASSERT_FALSE(testing_support::read_turn(ws).empty());
  const std::string id = urgent["id"];
  EXPECT_TRUE(ann_events.wait_for("\"id\":\"" + id + "\"", std::chrono::seconds(1)))
      << ann_events.got();
  EXPECT_FALSE(bob_events.wait_for(id, std::chrono::milliseconds(300)))
      << "another clinic heard of it";

  json list = get(ann, "/console/api/intakes").json()["intakes"];
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0]["id"], id);
  EXPECT_EQ(list[0]["level"], "emergency");
  EXPECT_EQ(list[1]["level"], nullptr);
  auto transcript = get(ann, "/console/api/intakes/" + id + "/transcript").json()["messages"];
  bool patient_words = false;
  for (const auto& m : transcript)
    patient_words = patient_words || (m["direction"] == "in" &&
                                      m["message"].dump().find("chest pain") != std::string::npos);
  EXPECT_TRUE(patient_words) << transcript.dump();
  auto summary = get(ann, "/console/api/intakes/" + id + "/summary");
  EXPECT_EQ(summary.json()["escalation"], "emergency");
}

TEST_F(Console, LoggingOutEndsTheEventStream) {
  make_staff(db_, "ann@clinic.example", "default");
  server_ = std::make_unique<ServerProcess>(env());
  Login ann = login("ann@clinic.example", kPassword);
  EventStream events(server_->port(), ann.cookie);
  ASSERT_TRUE(events.wait_for(": open", std::chrono::seconds(5)));
  EXPECT_FALSE(events.ends_within(std::chrono::seconds(1)));
  ASSERT_EQ(post(ann, "/console/logout", {{"X-CSRF-Token", ann.csrf}}).status, 200);
  EXPECT_TRUE(events.ends_within(std::chrono::seconds(12))) << "the stream outlived its session";
}

TEST_F(Console, TheCookieIsSecureWhenConfigured) {
  make_staff(db_, "ann@clinic.example", "default");
  server_ = std::make_unique<ServerProcess>(env({{"CALFBOT_CONSOLE__SECURE_COOKIE", "always"}}));
  Login l = login("ann@clinic.example", kPassword);
  ASSERT_EQ(l.status, 200);
  EXPECT_NE(l.set_cookie.find("; Secure"), std::string::npos) << l.set_cookie;
}

}  // namespace
}  // namespace calfbot

namespace calfbot {
namespace {

// Logins hash on the console's own thread: a burst of them leaves the
// network threads free, and /healthz answers while they run.
TEST_F(Console, LoginsDoNotHoldTheNetworkThreads) {
  make_staff(db_, "ann@clinic.example", "default");
  server_ = std::make_unique<ServerProcess>(env({{"CALFBOT_SERVER__THREADS", "1"}}));
  std::vector<std::thread> logins;
  std::atomic<int> done{0};
  for (int i = 0; i < 6; ++i) {
    logins.emplace_back([&, i] {
      login("nobody" + std::to_string(i) + "@clinic.example", "not a password at all");
      ++done;
    });
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  const auto asked = std::chrono::steady_clock::now();
  EXPECT_EQ(http_request(server_->port(), "GET", "/healthz").status, 200);
  const auto took = std::chrono::steady_clock::now() - asked;
  const int finished = done.load();
  for (auto& t : logins) t.join();
  EXPECT_LT(finished, 6) << "the health check waited for every login ("
                         << std::chrono::duration_cast<std::chrono::milliseconds>(took).count()
                         << " ms)";
}

}  // namespace
}  // namespace calfbot
