// Who gets a connection: the caps in total and per client, the fair share
// once the server is crowded, the health reserve, and bounded refusals.
#include "adapters/server/admission.h"

#include <gtest/gtest.h>

#include <string>

namespace calfbot::adapters {
namespace {

using Kind = Admission::Kind;

TEST(Admission, PerClientCapThenRefusalsThenDropped) {
  Admission a({100, 3, 0});
  for (int i = 0; i < 3; ++i) EXPECT_EQ(a.admit("10.0.0.1", false, false), Kind::admitted);
  for (int i = 0; i < Admission::kRefusalsPerClient; ++i) {
    EXPECT_EQ(a.admit("10.0.0.1", false, false), Kind::refused) << i;
  }
  EXPECT_EQ(a.admit("10.0.0.1", false, false), Kind::dropped);
  EXPECT_EQ(a.admit("10.0.0.2", false, false), Kind::admitted) << "another client is served";
  a.release("10.0.0.1", Kind::admitted);
  EXPECT_EQ(a.admit("10.0.0.1", false, false), Kind::admitted) << "a place given back";
  EXPECT_EQ(a.open(), 4);
}

TEST(Admission, OnceCrowdedNewConnectionsGoToClientsBelowTheirShare) {
  Admission a({64, 64, 0});  // share once crowded: 64 / 16 = 4
  for (int i = 0; i < 48; ++i) ASSERT_EQ(a.admit("flood", false, false), Kind::admitted) << i;
  // 48 of 64 open: crowded. The flooding client holds far more than 4.
  EXPECT_EQ(a.admit("flood", false, false), Kind::refused);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(a.admit("patient", false, false), Kind::admitted) << i;
  EXPECT_EQ(a.admit("patient", false, false), Kind::refused);
}

TEST(Admission, ATrustedProxyHasNoPerClientCap) {
  Admission a({10, 2, 0});
  for (int i = 0; i < 10; ++i) EXPECT_EQ(a.admit("proxy", true, false), Kind::admitted) << i;
  EXPECT_EQ(a.admit("proxy", true, false), Kind::refused) << "the total still holds";
}

TEST(Admission, TheHealthReserveOpensOnlyWhenTheTotalIsFull) {
  Admission a({2, 10, 1});
  EXPECT_EQ(a.admit("a", false, false), Kind::admitted);
  EXPECT_EQ(a.admit("b", false, false), Kind::admitted);
  EXPECT_EQ(a.admit("c", false, false), Kind::health);
  EXPECT_EQ(a.admit("d", false, false), Kind::refused) << "the reserve is one";
  a.release("c", Kind::health);
  EXPECT_EQ(a.admit("e", false, false), Kind::health);
}

TEST(Admission, RefusalsAreBoundedInTotal) {
  Admission a({1, 1, 0});
  EXPECT_EQ(a.admit("x", false, false), Kind::admitted);
  int refused = 0;
  for (int i = 0; i < 1000; ++i) {
    refused += a.admit("client" + std::to_string(i), false, false) == Kind::refused;
  }
  EXPECT_EQ(refused, Admission::kRefusals);
}

TEST(Admission, ShuttingDownAdmitsNothing) {
  Admission a({10, 10, 5});
  EXPECT_EQ(a.admit("a", false, true), Kind::refused);
}

}  // namespace
}  // namespace calfbot::adapters
