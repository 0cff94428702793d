// TLS and mutual TLS of the real server (ServerOptions / --tls_cert,
// --tls_key, --tls_client_ca), with certificates the test makes with the
// openssl command-line tool in a temporary directory: a CA, a server
// certificate for 127.0.0.1 and localhost, and client certificates.

#include <grpcpp/grpcpp.h>

#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "pumpurs/client/client.h"
#include "pumpurs/v1/system.grpc.pb.h"
#include "server/common/log.h"
#include "server/server.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace pumpurs {
namespace {

using ::pumpurs::testing::IsOk;
using ::pumpurs::testing::StatusIs;
using ::testing::HasSubstr;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void WriteFile(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

// Certificates made fresh for each test suite; never checked in.
class Pki {
 public:
  explicit Pki(const ::pumpurs::testing::TempDir& dir) : dir_(dir) {}

  // Makes `name`.key and a self-signed CA certificate `name`.crt.
  bool MakeCa(const std::string& name) {
    return Run(absl::StrCat(
        "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 "
        "-nodes -days 2 -subj '/CN=Pumpurs test ",
        name, "' -keyout ", File(name + ".key"), " -out ", File(name + ".crt"),
        " -addext basicConstraints=critical,CA:TRUE "
        "-addext keyUsage=critical,keyCertSign,cRLSign"));
  }

  // Makes `name`.key and `name`.crt signed by the CA `ca`, for a server
  // (127.0.0.1, localhost) or a client.
  bool MakeLeaf(const std::string& name, const std::string& ca, bool server) {
    WriteFile(File(name + ".ext"),
              server ? "subjectAltName=IP:127.0.0.1,DNS:localhost\n"
                       "extendedKeyUsage=serverAuth\n"
                     : "extendedKeyUsage=clientAuth\n");
    return Run(absl::StrCat(
               "openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 "
               "-nodes -subj '/CN=",
               server ? "localhost" : name, "' -keyout ", File(name + ".key"),
               " -out ", File(name + ".csr"))) &&
           Run(absl::StrCat("openssl x509 -req -days 2 -in ",
                            File(name + ".csr"), " -CA ", File(ca + ".crt"),
                            " -CAkey ", File(ca + ".key"),
                            " -CAcreateserial -out ", File(name + ".crt"),
                            " -extfile ", File(name + ".ext")));
  }

  std::string File(const std::string& name) const { return dir_.File(name); }
  std::string Pem(const std::string& name) const {
    return ReadFile(File(name));
  }

 private:
  static bool Run(const std::string& command) {
    return std::system((command + " >/dev/null 2>&1").c_str()) == 0;
  }
  const ::pumpurs::testing::TempDir& dir_;
};

class TlsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new ::pumpurs::testing::TempDir();
    Pki pki(*dir_);
    ready_ = pki.MakeCa("ca") && pki.MakeLeaf("server", "ca", true) &&
             pki.MakeLeaf("client", "ca", false) && pki.MakeCa("other-ca") &&
             pki.MakeLeaf("stranger", "other-ca", false);
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }
  void SetUp() override {
    if (!ready_) GTEST_SKIP() << "the openssl tool could not make certificates";
    SetLoggingEnabled(false);
  }
  void TearDown() override { SetLoggingEnabled(true); }

  static Pki pki() { return Pki(*dir_); }

  ServerOptions Options(bool mutual) {
    ServerOptions options;
    options.listen = "127.0.0.1:0";
    options.db_path = db_dir_.File("pumpurs.db");
    options.threads = 1;
    options.tls_cert_file = pki().File("server.crt");
    options.tls_key_file = pki().File("server.key");
    if (mutual) options.tls_client_ca_file = pki().File("ca.crt");
    return options;
  }

  std::unique_ptr<Server> Start(const ServerOptions& options) {
    absl::StatusOr<std::unique_ptr<Server>> server = Server::Start(options);
    EXPECT_THAT(server, IsOk());
    return server.ok() ? *std::move(server) : nullptr;
  }

  // A Ping over these credentials; fails fast when the handshake does.
  static grpc::Status Ping(const Server& server,
                           std::shared_ptr<grpc::ChannelCredentials> creds) {
    auto channel =
        grpc::CreateChannel(absl::StrCat("127.0.0.1:", server.port()), creds);
    auto stub = pumpurs::v1::SystemService::NewStub(channel);
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() +
                     std::chrono::seconds(3));
    pumpurs::v1::PingRequest req;
    req.set_payload("sveiki");
    pumpurs::v1::PingResponse resp;
    grpc::Status s = stub->Ping(&ctx, req, &resp);
    if (s.ok() && resp.payload() != "sveiki") {
      return grpc::Status(grpc::StatusCode::INTERNAL, "wrong echo");
    }
    return s;
  }

  static std::shared_ptr<grpc::ChannelCredentials> Tls(
      const std::string& ca, const std::string& client = "") {
    grpc::SslCredentialsOptions ssl;
    ssl.pem_root_certs = pki().Pem(ca + ".crt");
    if (!client.empty()) {
      ssl.pem_cert_chain = pki().Pem(client + ".crt");
      ssl.pem_private_key = pki().Pem(client + ".key");
    }
    return grpc::SslCredentials(ssl);
  }

  static ::pumpurs::testing::TempDir* dir_;
  static bool ready_;
  ::pumpurs::testing::TempDir db_dir_;
};

::pumpurs::testing::TempDir* TlsTest::dir_ = nullptr;
bool TlsTest::ready_ = false;

TEST_F(TlsTest, TlsServesClientsThatTrustTheCa) {
  std::unique_ptr<Server> server = Start(Options(/*mutual=*/false));
  ASSERT_NE(server, nullptr);
  EXPECT_THAT(Ping(*server, Tls("ca")), IsOk());
  // A client that does not trust the CA, and a plaintext client, fail.
  EXPECT_THAT(Ping(*server, Tls("other-ca")),
              StatusIs(absl::StatusCode::kUnavailable));
  EXPECT_THAT(Ping(*server, grpc::InsecureChannelCredentials()),
              StatusIs(absl::StatusCode::kUnavailable));
}

TEST_F(TlsTest, MutualTlsNeedsAClientCertificateFromTheClientCa) {
  std::unique_ptr<Server> server = Start(Options(/*mutual=*/true));
  ASSERT_NE(server, nullptr);
  EXPECT_THAT(Ping(*server, Tls("ca", "client")), IsOk());
  EXPECT_THAT(Ping(*server, Tls("ca")),
              StatusIs(absl::StatusCode::kUnavailable));
  EXPECT_THAT(Ping(*server, Tls("ca", "stranger")),
              StatusIs(absl::StatusCode::kUnavailable));
  EXPECT_THAT(Ping(*server, grpc::InsecureChannelCredentials()),
              StatusIs(absl::StatusCode::kUnavailable));
}

TEST_F(TlsTest, TheClientLibrarySpeaksMutualTls) {
  std::unique_ptr<Server> server = Start(Options(/*mutual=*/true));
  ASSERT_NE(server, nullptr);
  client::ClientOptions options;
  options.target = absl::StrCat("127.0.0.1:", server->port());
  options.default_deadline = absl::Seconds(3);
  options.tls_root_certs_pem = pki().Pem("ca.crt");
  options.tls_client_cert_pem = pki().Pem("client.crt");
  options.tls_client_key_pem = pki().Pem("client.key");
  absl::StatusOr<std::unique_ptr<client::Client>> with_cert =
      client::Client::Create(options);
  ASSERT_THAT(with_cert, IsOk());
  EXPECT_THAT((*with_cert)->Ping({}), IsOk());

  options.tls_client_cert_pem.clear();
  options.tls_client_key_pem.clear();
  absl::StatusOr<std::unique_ptr<client::Client>> without =
      client::Client::Create(options);
  ASSERT_THAT(without, IsOk());
  EXPECT_THAT((*without)->Ping({}), StatusIs(absl::StatusCode::kUnavailable));

  // A certificate needs its key, and TLS.
  options.tls_client_cert_pem = pki().Pem("client.crt");
  EXPECT_THAT(client::Client::Create(options),
              StatusIs(absl::StatusCode::kInvalidArgument));
  options.tls_client_key_pem = pki().Pem("client.key");
  options.tls_root_certs_pem.clear();
  EXPECT_THAT(client::Client::Create(options),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST_F(TlsTest, BadOptionsStopTheStartWithAClearError) {
  ServerOptions missing = Options(false);
  missing.tls_key_file = pki().File("no-such.key");
  absl::StatusOr<std::unique_ptr<Server>> s = Server::Start(missing);
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(std::string(s.status().message()),
              HasSubstr("cannot read tls_key file " + missing.tls_key_file));

  ServerOptions no_key = Options(false);
  no_key.tls_key_file.clear();
  s = Server::Start(no_key);
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(std::string(s.status().message()), HasSubstr("tls_key"));

  ServerOptions ca_only;
  ca_only.listen = "127.0.0.1:0";
  ca_only.db_path = db_dir_.File("pumpurs.db");
  ca_only.tls_client_ca_file = pki().File("ca.crt");
  s = Server::Start(ca_only);
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(std::string(s.status().message()), HasSubstr("tls_client_ca"));

  ServerOptions not_pem = Options(true);
  not_pem.tls_client_ca_file = pki().File("server.ext");
  s = Server::Start(not_pem);
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(std::string(s.status().message()), HasSubstr("not a PEM file"));
}

}  // namespace
}  // namespace pumpurs
