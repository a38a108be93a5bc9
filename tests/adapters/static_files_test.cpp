// The widget's files: paths, content types, security and cache headers.
#include "adapters/api/static_files.h"

#include <gtest/gtest.h>

#include "adapters/web/assets.h"

namespace calfbot::adapters {
namespace {

std::string header(const HttpResponse& r, const std::string& name) {
  for (const auto& [k, v] : r.headers) {
    if (k == name) return v;
  }
  return "";
}

TEST(StaticFiles, IndexAndEveryAsset) {
  StaticFiles files({"https://clinic.example"});
  auto index = files.get("/", "");
  ASSERT_TRUE(index);
  EXPECT_EQ(index->content_type, "text/html; charset=utf-8");
  EXPECT_EQ(header(*index, "Cache-Control"), "no-cache");
  EXPECT_EQ(header(*index, "Content-Security-Policy"),
            "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            "connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'none'; "
            "frame-ancestors 'self' https://clinic.example");
  EXPECT_EQ(header(*index, "X-Content-Type-Options"), "nosniff");
  for (const auto& f : web_assets()) {
    auto r = files.get("/" + f.name, "");
    ASSERT_TRUE(r) << f.name;
    EXPECT_EQ(r->body, f.content);
    EXPECT_NE(r->content_type, "application/octet-stream") << f.name;
  }
  EXPECT_FALSE(files.get("/nope.js", ""));
  EXPECT_FALSE(files.get("/../CMakeLists.txt", ""));
}

TEST(StaticFiles, ETagRevalidation) {
  StaticFiles files({});
  auto first = files.get("/index.html", "");
  ASSERT_TRUE(first);
  std::string etag = header(*first, "ETag");
  ASSERT_EQ(etag.size(), 18u);
  auto again = files.get("/index.html", etag);
  EXPECT_EQ(again->status, 304);
  EXPECT_TRUE(again->body.empty());
  EXPECT_EQ(files.get("/index.html", "\"other\"")->status, 200);
}

TEST(StaticFiles, ContentTypes) {
  EXPECT_EQ(content_type_for("widget.js"), "text/javascript; charset=utf-8");
  EXPECT_EQ(content_type_for("widget.css"), "text/css; charset=utf-8");
  EXPECT_EQ(content_type_for("leg.svg"), "image/svg+xml");
  EXPECT_EQ(content_type_for("x.bin"), "application/octet-stream");
}

}  // namespace
}  // namespace calfbot::adapters
