#include "adapters/api/static_files.h"

#include <cstdio>

#include "adapters/web/assets.h"

namespace calfbot::adapters {

namespace {

bool ends_with(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

// FNV-1a: a stable content hash for the ETag (not a security measure).
std::string etag_of(const std::string& content) {
  uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : content) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  char buf[24];
  std::snprintf(buf, sizeof buf, "\"%016llx\"", static_cast<unsigned long long>(h));
  return buf;
}

}  // namespace

std::string content_type_for(const std::string& name) {
  static const std::pair<const char*, const char*> kTypes[] = {
      {".html", "text/html; charset=utf-8"},   {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"}, {".css", "text/css; charset=utf-8"},
      {".svg", "image/svg+xml"},                {".json", "application/json"},
      {".txt", "text/plain; charset=utf-8"},    {".webmanifest", "application/manifest+json"}};
  for (const auto& [ext, type] : kTypes) {
    if (ends_with(name, ext)) return type;
  }
  return "application/octet-stream";
}

StaticFiles::StaticFiles(const std::vector<std::string>& frame_origins) {
  std::string ancestors = "'self'";
  for (const auto& o : frame_origins) ancestors += " " + o;
  // Everything comes from calfbot itself; the widget talks to its own origin.
  csp_ = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
         "connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'none'; "
         "frame-ancestors " + ancestors;
  for (const auto& f : web_assets()) {
    files_.push_back(File{"/" + f.name, &f.content, content_type_for(f.name), etag_of(f.content)});
  }
}

std::optional<HttpResponse> StaticFiles::get(const std::string& path,
                                             const std::string& if_none_match) const {
  const std::string want = path == "/" ? "/index.html" : path;
  for (const auto& f : files_) {
    if (f.path != want) continue;
    HttpResponse r;
    r.content_type = f.content_type;
    // The page is revalidated on every load; scripts and styles may be kept
    // for five minutes, then revalidated by ETag.
    r.headers = {{"Cache-Control", ends_with(f.path, ".html") ? "no-cache" : "public, max-age=300"},
                 {"ETag", f.etag},
                 {"Content-Security-Policy", csp_},
                 {"X-Content-Type-Options", "nosniff"},
                 {"Referrer-Policy", "no-referrer"}};
    if (!if_none_match.empty() && if_none_match == f.etag) {
      r.status = 304;
      return r;
    }
    r.body = *f.content;
    return r;
  }
  return std::nullopt;
}

}  // namespace calfbot::adapters
