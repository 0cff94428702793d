// Page sizes are normalised; page tokens round-trip any key bytes and are
// refused when replayed for another query, tampered with or truncated.

#include "server/common/paging.h"

#include <climits>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/string_view.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace pumpurs {
namespace {

using ::pumpurs::testing::HasReason;
using ::pumpurs::testing::IsOk;
using ::pumpurs::testing::StatusIs;
using ::pumpurs::testing::ViolatedFields;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

void ExpectBadToken(const absl::StatusOr<std::vector<std::string>>& got) {
  EXPECT_THAT(got, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(got, HasReason("INVALID_PAGE_TOKEN"));
  EXPECT_THAT(ViolatedFields(got.status()), ElementsAre("page_token"));
}

TEST(PageSizeTest, ZeroMeansDefault) {
  absl::StatusOr<int> size = NormalizePageSize(0);
  ASSERT_THAT(size, IsOk());
  EXPECT_EQ(*size, kDefaultPageSize);
  EXPECT_EQ(kDefaultPageSize, 50);
}

TEST(PageSizeTest, InRangeKept) {
  for (int n : {1, 2, 49, 50, 51, 499, 500}) {
    absl::StatusOr<int> size = NormalizePageSize(n);
    ASSERT_THAT(size, IsOk());
    EXPECT_EQ(*size, n);
  }
}

TEST(PageSizeTest, AboveCapIsCapped) {
  EXPECT_EQ(kMaxPageSize, 500);
  for (int n : {501, 1000, INT_MAX}) {
    absl::StatusOr<int> size = NormalizePageSize(n);
    ASSERT_THAT(size, IsOk());
    EXPECT_EQ(*size, kMaxPageSize);
  }
}

TEST(PageSizeTest, NegativeRefusedNamingPageSize) {
  for (int n : {-1, -50, INT_MIN}) {
    absl::StatusOr<int> size = NormalizePageSize(n);
    EXPECT_THAT(size, StatusIs(absl::StatusCode::kInvalidArgument));
    EXPECT_THAT(ViolatedFields(size.status()), ElementsAre("page_size"));
  }
}

TEST(PageTokenTest, RoundTripsArbitraryBytes) {
  std::string binary;
  for (int c = 0; c < 256; ++c) binary.push_back(static_cast<char>(c));
  std::vector<std::string> key = {
      binary, "", "12:34:", "Ģirts Ķēniņš", std::string(10000, 'x'), ":"};
  std::string token = EncodePageToken("ListThings|a", key);
  absl::StatusOr<std::vector<std::string>> got =
      DecodePageToken(token, "ListThings|a", key.size());
  ASSERT_THAT(got, IsOk());
  EXPECT_EQ(*got, key);
}

TEST(PageTokenTest, RoundTripsEmptyKey) {
  std::string token = EncodePageToken("q", {});
  absl::StatusOr<std::vector<std::string>> got = DecodePageToken(token, "q", 0);
  ASSERT_THAT(got, IsOk());
  EXPECT_THAT(*got, IsEmpty());
}

TEST(PageTokenTest, IsWebSafeAndDeterministic) {
  std::vector<std::string> key = {std::string("\xff\xfe\x00\x01", 4), "id"};
  std::string token = EncodePageToken("q", key);
  EXPECT_EQ(token, EncodePageToken("q", key));
  for (char c : token) {
    EXPECT_TRUE(absl::ascii_isalnum(c) || c == '-' || c == '_')
        << "unexpected character in token: " << c;
  }
}

TEST(PageTokenTest, RefusedForAnotherQuery) {
  std::string token = EncodePageToken("ListInstitutions|m1|0", {"k", "id"});
  ExpectBadToken(DecodePageToken(token, "ListInstitutions|m2|0", 2));
  ExpectBadToken(DecodePageToken(token, "ListInstitutions|m1|1", 2));
  ExpectBadToken(DecodePageToken(token, "ListMunicipalities", 2));
  ExpectBadToken(DecodePageToken(token, "", 2));
  EXPECT_THAT(DecodePageToken(token, "ListInstitutions|m1|0", 2), IsOk());
}

TEST(PageTokenTest, RefusedWithWrongPartCount) {
  std::string token = EncodePageToken("q", {"a", "b"});
  ExpectBadToken(DecodePageToken(token, "q", 0));
  ExpectBadToken(DecodePageToken(token, "q", 1));
  ExpectBadToken(DecodePageToken(token, "q", 3));
  EXPECT_THAT(DecodePageToken(token, "q", 2), IsOk());
}

TEST(PageTokenTest, EveryTruncationRefused) {
  std::string token = EncodePageToken("q", {"sortkey", "abcdefgh"});
  ASSERT_THAT(DecodePageToken(token, "q", 2), IsOk());
  for (size_t n = 0; n < token.size(); ++n) {
    SCOPED_TRACE(n);
    ExpectBadToken(DecodePageToken(token.substr(0, n), "q", 2));
  }
}

TEST(PageTokenTest, NotBase64Refused) {
  ExpectBadToken(DecodePageToken("!!!not a token!!!", "q", 2));
  ExpectBadToken(DecodePageToken("", "q", 0));
}

// Rebuilds a token from its raw layout so single parts can be tampered with.
std::string Raw(absl::string_view token) {
  std::string raw;
  EXPECT_TRUE(absl::WebSafeBase64Unescape(token, &raw));
  return raw;
}

TEST(PageTokenTest, TamperedHeaderRefused) {
  std::string raw = Raw(EncodePageToken("q", {"abc", "id"}));
  ASSERT_GT(raw.size(), 17u);

  std::string version = raw;
  version[0] = '2';
  ExpectBadToken(DecodePageToken(absl::WebSafeBase64Escape(version), "q", 2));

  for (size_t i = 1; i < 17; ++i) {
    SCOPED_TRACE(i);
    std::string fingerprint = raw;
    fingerprint[i] = fingerprint[i] == '0' ? '1' : '0';
    ExpectBadToken(
        DecodePageToken(absl::WebSafeBase64Escape(fingerprint), "q", 2));
  }
}

TEST(PageTokenTest, TamperedLengthsRefused) {
  std::string raw = Raw(EncodePageToken("q", {"abc", "id"}));
  std::string header = raw.substr(0, 17);
  ASSERT_EQ(raw.substr(17), "3:abc2:id");
  for (const char* body : {"4:abc2:id", "3:abc3:id", "3:abc9999999999:id",
                           "x:abc2:id", "3abc2:id", "3:abc2:idX", "-1:abc2:id",
                           "3:abc2:id2:zz", "18446744073709551616:a"}) {
    SCOPED_TRACE(body);
    ExpectBadToken(
        DecodePageToken(absl::WebSafeBase64Escape(header + body), "q", 2));
  }
}

TEST(PageTokenTest, TamperedCharactersMostlyRefused) {
  // Changing a character of the header (version, fingerprint) or of a length
  // prefix must be caught. (The key bytes themselves carry no checksum, so a
  // changed key byte is not necessarily detected; see paging.h.)
  std::string token = EncodePageToken("q", {"abc", "id"});
  int refused = 0;
  for (size_t i = 0; i < token.size(); ++i) {
    std::string t = token;
    t[i] = t[i] == 'A' ? 'B' : 'A';
    if (!DecodePageToken(t, "q", 2).ok()) ++refused;
  }
  // The 17-byte header fills the first 22 base64 characters.
  EXPECT_GE(refused, 22);
}

}  // namespace
}  // namespace pumpurs
