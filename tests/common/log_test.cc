// Structured log lines: valid JSON whatever the keys and values hold, one
// whole line per LogLine, and silence when logging is off.

#include "server/common/log.h"

#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace pumpurs {
namespace {

using ::testing::EndsWith;
using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using ::testing::StartsWith;

std::string Escaped(absl::string_view s) {
  std::string out;
  AppendJsonEscaped(&out, s);
  return out;
}

TEST(JsonEscapeTest, PlainTextUnchanged) {
  EXPECT_EQ(Escaped(""), "");
  EXPECT_EQ(Escaped("rpc /pumpurs.v1.Directory/Get 200"),
            "rpc /pumpurs.v1.Directory/Get 200");
}

TEST(JsonEscapeTest, EscapesQuotesAndBackslashes) {
  EXPECT_EQ(Escaped("say \"hi\""), "say \\\"hi\\\"");
  EXPECT_EQ(Escaped("C:\\dir\\"), "C:\\\\dir\\\\");
  EXPECT_EQ(Escaped("\\\""), "\\\\\\\"");
}

TEST(JsonEscapeTest, EscapesControlCharacters) {
  EXPECT_EQ(Escaped("a\nb"), "a\\nb");
  EXPECT_EQ(Escaped("a\rb"), "a\\rb");
  EXPECT_EQ(Escaped("a\tb"), "a\\tb");
  EXPECT_EQ(Escaped(std::string("\0", 1)), "\\u0000");
  EXPECT_EQ(Escaped("\x01"), "\\u0001");
  EXPECT_EQ(Escaped("\x08\x0c"), "\\u0008\\u000c");
  EXPECT_EQ(Escaped("\x1b"), "\\u001b");
  EXPECT_EQ(Escaped("\x1f"), "\\u001f");
}

TEST(JsonEscapeTest, NoRawControlCharacterSurvives) {
  std::string all;
  for (int c = 0; c < 0x20; ++c) all.push_back(static_cast<char>(c));
  std::string out = Escaped(all);
  for (unsigned char c : out) EXPECT_GE(c, 0x20);
}

TEST(JsonEscapeTest, Utf8AndDelPassThrough) {
  // JSON allows raw UTF-8 and U+007F inside strings.
  EXPECT_EQ(Escaped("Ģirts Ķēniņš"), "Ģirts Ķēniņš");
  EXPECT_EQ(Escaped("\x7f"), "\x7f");
}

TEST(JsonEscapeTest, Appends) {
  std::string out = "prefix:";
  AppendJsonEscaped(&out, "\"");
  EXPECT_EQ(out, "prefix:\\\"");
}

class LogLineTest : public ::testing::Test {
 protected:
  void TearDown() override { SetLoggingEnabled(true); }
};

TEST_F(LogLineTest, WritesOneJsonLine) {
  SetLoggingEnabled(true);
  ::testing::internal::CaptureStderr();
  LogLine("rpc")
      .Str("method", "/pumpurs.v1.DirectoryService/GetInstitution")
      .Int("latency_us", 1234)
      .Int("negative", -9223372036854775807LL - 1);
  std::string out = ::testing::internal::GetCapturedStderr();
  EXPECT_THAT(out,
              MatchesRegex("\\{\"ts\":\"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}"
                           ":[0-9]{2}:[0-9]{2}\\.[0-9]{6}Z\",.*\n"));
  EXPECT_THAT(out,
              HasSubstr(",\"event\":\"rpc\",\"method\":\"/pumpurs.v1."
                        "DirectoryService/GetInstitution\",\"latency_us\":1234,"
                        "\"negative\":-9223372036854775808}\n"));
  EXPECT_THAT(out, EndsWith("}\n"));
  EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), 1);
}

TEST_F(LogLineTest, EscapesEventKeysAndValues) {
  SetLoggingEnabled(true);
  ::testing::internal::CaptureStderr();
  LogLine("ev\"ent\n").Str("k\"ey", "va\\lue\nnext").Int("i\tnt", 7);
  std::string out = ::testing::internal::GetCapturedStderr();
  EXPECT_THAT(out, HasSubstr("\"event\":\"ev\\\"ent\\n\""));
  EXPECT_THAT(out, HasSubstr("\"k\\\"ey\":\"va\\\\lue\\nnext\""));
  EXPECT_THAT(out, HasSubstr("\"i\\tnt\":7}"));
  // Whatever the input, the line stays one line.
  EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), 1);
}

TEST_F(LogLineTest, SilentWhenDisabled) {
  SetLoggingEnabled(false);
  ::testing::internal::CaptureStderr();
  LogLine("quiet").Str("a", "b");
  EXPECT_EQ(::testing::internal::GetCapturedStderr(), "");
  SetLoggingEnabled(true);
  ::testing::internal::CaptureStderr();
  LogLine("loud");
  EXPECT_THAT(::testing::internal::GetCapturedStderr(),
              HasSubstr("\"event\":\"loud\""));
}

TEST_F(LogLineTest, LinesFromManyThreadsStayWhole) {
  SetLoggingEnabled(true);
  constexpr int kThreads = 4;
  constexpr int kLines = 300;
  ::testing::internal::CaptureStderr();
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([t] {
      for (int i = 0; i < kLines; ++i) {
        LogLine("concurrent")
            .Int("thread", t)
            .Int("i", i)
            .Str("padding", std::string(200, 'p'));
      }
    });
  }
  for (auto& t : threads) t.join();
  std::string out = ::testing::internal::GetCapturedStderr();
  std::vector<std::string> lines = absl::StrSplit(out, '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), static_cast<size_t>(kThreads * kLines));
  for (const std::string& line : lines) {
    ASSERT_THAT(line, StartsWith("{\"ts\":\""));
    ASSERT_THAT(line, EndsWith(std::string(200, 'p') + "\"}"));
  }
}

}  // namespace
}  // namespace pumpurs
