// Who may hold a connection (docs/security.md, "Connections"). Every accepted
// TCP connection becomes one of:
//  - admitted: counted against max_connections and its client's share;
//  - health: the total is full, but one of health_reserve more connections
//    may ask /healthz or /readyz, and nothing else, so that a load balancer's
//    checks get through a flood;
//  - refused: read briefly and answered 503 server_busy, and counted: at most
//    kRefusals at once, kRefusalsPerClient from one client;
//  - dropped: closed at once, unread (a client past even its refusals).
// A client (client_address.h's key: an IPv4 address, an IPv6 /64) holds at
// most max_connections_per_address. Once the server is crowded (three
// quarters of max_connections open) a client gets another only while it
// holds fewer than its fair share, max_connections / 16: a few addresses
// cannot take every slot from everyone else. A trusted proxy carries many
// clients: it has no per-client cap, only the total.
//
// Thread-safety: every member may be called from any thread.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

namespace calfbot::adapters {

class Admission {
 public:
  struct Limits {
    int max_connections = 1024;
    int per_client = 256;
    int health_reserve = 32;
  };
  static constexpr int kRefusals = 64;
  static constexpr int kRefusalsPerClient = 4;

  enum class Kind : uint8_t { admitted, health, refused, dropped };

  explicit Admission(Limits limits) : limits_(limits) {}

  // What a new connection from `client` may have; `proxy`: its peer is a
  // trusted proxy. Every kind but dropped must be released once.
  Kind admit(const std::string& client, bool proxy, bool shutting_down);
  void release(const std::string& client, Kind kind);

  int open() const;  // admitted connections now

 private:
  struct Held {
    int admitted = 0, refused = 0;
  };
  const Limits limits_;
  mutable std::mutex mu_;  // guards everything below
  int open_ = 0, health_ = 0, refused_ = 0;
  std::unordered_map<std::string, Held> by_client_;
};

}  // namespace calfbot::adapters
