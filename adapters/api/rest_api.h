// The REST channel for integrators (docs/protocol.md "REST", docs/openapi.yaml):
//
//   POST /v1/conversations                      start; returns the id and the token
//   POST /v1/conversations/{id}/messages        one patient message; returns the replies
//   GET  /v1/conversations/{id}                 phase, escalation, outcome
//   GET  /v1/conversations/{id}/messages?after=N  the transcript, both directions
//
// Every {id} route needs `Authorization: Bearer <token>`. Thread-safety: handle()
// may be called from any thread; `done` is called exactly once, possibly on
// the store's thread.
#pragma once

#include <functional>

#include "adapters/server/http_types.h"

namespace calfbot::bot {
class ConversationService;
}

namespace calfbot::adapters {

class Metrics;
class Logger;

class RestApi {
 public:
  // allow_new_conversation: whether the client's address may start another
  // conversation now (empty = always).
  RestApi(bot::ConversationService& service, Metrics& metrics, Logger& log,
          std::function<bool(const std::string& address)> allow_new_conversation = {});

  // True for paths under /v1/conversations.
  static bool owns(const HttpRequest& req);

  void handle(const HttpRequest& req, std::function<void(HttpResponse)> done);

 private:
  void start(const HttpRequest& req, std::function<void(HttpResponse)> done);
  void post(const std::string& id, const std::string& token, const HttpRequest& req,
            std::function<void(HttpResponse)> done);
  HttpResponse summary(const std::string& id, const std::string& token);
  HttpResponse transcript(const std::string& id, const std::string& token, const HttpRequest& req);

  bot::ConversationService& service_;
  Metrics& metrics_;
  Logger& log_;
  std::function<bool(const std::string& address)> allow_new_conversation_;
};

}  // namespace calfbot::adapters
