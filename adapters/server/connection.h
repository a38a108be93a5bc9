// What the server asks of every open connection when it shuts down.
#pragma once

namespace calfbot::adapters {

class Connection {
 public:
  virtual ~Connection() = default;
  // Ends the connection soon and politely: a WebSocket is closed with 1001
  // (going away), an HTTP connection after the response in progress. Safe to
  // call from any thread (it posts to the connection's strand).
  virtual void go_away() = 0;
};

}  // namespace calfbot::adapters
