// The web widget's files (adapters/web), served by calfbot itself: GET / is
// index.html, GET /<name> each file of web_assets(), with its Content-Type, a
// Content-Security-Policy, an ETag and cache headers.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "adapters/server/http_types.h"

namespace calfbot::adapters {

class StaticFiles {
 public:
  // frame_origins: origins allowed to frame the pages (the allowed WebSocket origins).
  explicit StaticFiles(const std::vector<std::string>& frame_origins);

  // The file at `path` ("/" = index.html), or nullopt if there is none.
  // A matching If-None-Match gets 304 with no body.
  std::optional<HttpResponse> get(const std::string& path, const std::string& if_none_match) const;

 private:
  struct File {
    std::string path;  // "/widget.js"
    const std::string* content;
    std::string content_type;
    std::string etag;
  };
  std::vector<File> files_;
  std::string csp_;
};

// "text/javascript; charset=utf-8" for "widget.js", and so on.
std::string content_type_for(const std::string& name);

}  // namespace calfbot::adapters
