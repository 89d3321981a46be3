// Where load sends requests: URLs parse into host, port and prefix (or are refused naming the
// form), loopback and this machine's addresses count as local, and the process listening on a
// port is found.
#include "serving/server_url.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/errors.h"

namespace gb {
namespace {

TEST(ServerUrl, ParsesHostPortAndPrefix) {
  const ServerUrl a = ServerUrl::parse("http://127.0.0.1:8000");
  EXPECT_EQ(a.host, "127.0.0.1");
  EXPECT_EQ(a.port, 8000);
  EXPECT_EQ(a.path("/v2/health/ready"), "/v2/health/ready");
  const ServerUrl b = ServerUrl::parse("http://[::1]:9/kserve/");
  EXPECT_EQ(b.host, "::1");
  EXPECT_EQ(b.port, 9);
  EXPECT_EQ(b.path("/v2"), "/kserve/v2");
  EXPECT_EQ(ServerUrl::parse("http://example.org").port, 80);
  for (const char* bad : {"127.0.0.1:8000", "ftp://x", "http://", "http://h:0", "http://h:99999",
                          "http://h:8x", "http://u@h", "http://[::1"}) {
    EXPECT_THROW(ServerUrl::parse(bad), UsageError) << bad;
  }
  EXPECT_THROW(ServerUrl::parse("https://h"), UsageError);
}

TEST(ServerUrl, KnowsWhatIsThisMachine) {
  std::string why;
  EXPECT_TRUE(is_this_machine("127.0.0.1", &why)) << why;
  EXPECT_TRUE(is_this_machine("localhost", &why)) << why;
  // TEST-NET-1 (RFC 5737): never an address of a machine, and numeric, so no lookup.
  EXPECT_FALSE(is_this_machine("192.0.2.1", &why));
  EXPECT_NE(why.find("not an address of this machine"), std::string::npos) << why;
}

TEST(ServerUrl, FindsTheProcessListeningOnAPort) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  ASSERT_EQ(listen(fd, 1), 0);
  socklen_t len = sizeof a;
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  EXPECT_EQ(process_listening_on(ntohs(a.sin_port)), getpid());
  close(fd);
  EXPECT_EQ(process_listening_on(ntohs(a.sin_port)), std::nullopt);
}

}  // namespace
}  // namespace gb
