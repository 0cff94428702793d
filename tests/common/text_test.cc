// Text validation: UTF-8 well-formedness, length in code points (not bytes),
// control characters and blanks, digits and request ids.

#include "server/common/text.h"

#include <ostream>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace pumpurs {

// Readable failure messages for violations (gtest finds this by ADL).
void PrintTo(const FieldViolation& v, std::ostream* os) {
  *os << "{" << v.field << ": " << v.description << "}";
}

namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

std::string Repeat(absl::string_view s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) absl::StrAppend(&out, s);
  return out;
}

std::vector<FieldViolation> Required(absl::string_view value,
                                     size_t max_chars = 200) {
  Violations v;
  CheckRequiredText(v, "x.name", value, max_chars);
  return v.items();
}

std::vector<FieldViolation> Optional(absl::string_view value,
                                     size_t max_chars = 200) {
  Violations v;
  CheckOptionalText(v, "x.note", value, max_chars);
  return v.items();
}

TEST(Utf8LengthTest, CountsCodePointsNotBytes) {
  EXPECT_EQ(Utf8Length(""), 0);
  EXPECT_EQ(Utf8Length("abc"), 3);
  const std::string name = "Ģirts Ķēniņš";
  EXPECT_EQ(name.size(), 17u);
  EXPECT_EQ(Utf8Length(name), 12);
  EXPECT_EQ(Utf8Length("Rēzekne"), 7);
  EXPECT_EQ(Utf8Length("€"), 1);                 // 3 bytes
  EXPECT_EQ(Utf8Length("\xF0\x9F\x98\x80"), 1);  // U+1F600, 4 bytes
  EXPECT_EQ(Utf8Length(std::string("a\0b", 3)), 3);
}

TEST(Utf8LengthTest, AcceptsBoundaryCodePoints) {
  for (const char* s : {"\x7F", "\xC2\x80", "\xDF\xBF", "\xE0\xA0\x80",
                        "\xED\x9F\xBF", "\xEE\x80\x80", "\xEF\xBF\xBF",
                        "\xF0\x90\x80\x80", "\xF4\x8F\xBF\xBF"}) {
    EXPECT_EQ(Utf8Length(s), 1) << absl::CEscape(s);
  }
}

TEST(Utf8LengthTest, RejectsMalformedSequences) {
  const std::vector<std::string> bad = {
      "\x80",                      // lone continuation byte
      "a\xBF",                     // continuation after ASCII
      "\xC4",                      // truncated two-byte sequence
      "\xE2\x82",                  // truncated three-byte sequence
      "\xF0\x9F\x98",              // truncated four-byte sequence
      "\xC4\x41",                  // lead byte followed by non-continuation
      "\xC0\xAF",                  // overlong '/'
      "\xC1\xBF",                  // overlong U+007F
      "\xE0\x80\xAF",              // overlong '/' in three bytes
      "\xE0\x9F\xBF",              // overlong U+07FF
      "\xF0\x80\x80\xAF",          // overlong '/' in four bytes
      "\xF0\x8F\xBF\xBF",          // overlong U+FFFF
      "\xED\xA0\x80",              // surrogate U+D800
      "\xED\xBF\xBF",              // surrogate U+DFFF
      "\xED\xA0\xBD\xED\xB8\x80",  // CESU-8 surrogate pair
      "\xF4\x90\x80\x80",          // U+110000, beyond Unicode
      "\xF5\x80\x80\x80",          // lead byte beyond Unicode
      "\xF8\x88\x80\x80\x80",      // five-byte form
      "\xFE",
      "\xFF",
      "Ģirts\xC4",  // valid text, truncated at the end
  };
  for (const std::string& s : bad) {
    EXPECT_EQ(Utf8Length(s), -1) << absl::CEscape(s);
  }
}

TEST(CheckRequiredTextTest, AcceptsLatvianText) {
  EXPECT_THAT(Required("Ģirts Ķēniņš"), IsEmpty());
  EXPECT_THAT(Required("Rīgas 1. ģimnāzija"), IsEmpty());
  EXPECT_THAT(Required(" leading and trailing spaces "), IsEmpty());
}

TEST(CheckRequiredTextTest, EmptyIsRequired) {
  EXPECT_THAT(Required(""),
              ElementsAre(FieldViolation{"x.name", "is required"}));
}

TEST(CheckRequiredTextTest, LengthIsInCodePoints) {
  // 200 two-byte letters are 400 bytes but only 200 characters.
  EXPECT_THAT(Required(Repeat("Ģ", 200)), IsEmpty());
  EXPECT_THAT(
      Required(Repeat("Ģ", 201)),
      ElementsAre(FieldViolation{"x.name", "must be at most 200 characters"}));
  EXPECT_THAT(Required(Repeat("a", 200)), IsEmpty());
  EXPECT_THAT(Required(Repeat("a", 201)).size(), 1u);
  EXPECT_THAT(Required("Ģirts Ķēniņš", 12), IsEmpty());
  EXPECT_THAT(Required("Ģirts Ķēniņš", 11).size(), 1u);
}

TEST(CheckRequiredTextTest, InvalidUtf8) {
  EXPECT_THAT(Required("abc\xC0\xAF"),
              ElementsAre(FieldViolation{"x.name", "must be valid UTF-8"}));
  EXPECT_THAT(Required("\xED\xA0\x80"),
              ElementsAre(FieldViolation{"x.name", "must be valid UTF-8"}));
}

TEST(CheckRequiredTextTest, ControlCharacters) {
  const FieldViolation control{"x.name", "must not contain control characters"};
  for (const std::string& s :
       {std::string("a\nb"), std::string("a\tb"), std::string("a\rb"),
        std::string("a\x01z"), std::string("a\x1f"), std::string("a\x7f"),
        std::string("a\0b", 3), std::string("\x1b[31mred")}) {
    EXPECT_THAT(Required(s), ElementsAre(control)) << absl::CEscape(s);
  }
}

TEST(CheckRequiredTextTest, C1ControlCharacters) {
  // U+0080..U+009F are control characters too (U+0085 is NEL, a newline).
  const FieldViolation control{"x.name", "must not contain control characters"};
  for (const char* s : {"a\xC2\x80", "line\xC2\x85next", "\xC2\x9F"}) {
    EXPECT_THAT(Required(s), ElementsAre(control)) << absl::CEscape(s);
  }
  // Neighbours that are not controls: U+00A0 (no-break space) and U+00C0.
  EXPECT_THAT(Required("a\xC2\xA0"
                       "b"),
              IsEmpty());
  EXPECT_THAT(Required("\xC3\x80"), IsEmpty());
}

TEST(CheckRequiredTextTest, BlankIsRefused) {
  EXPECT_THAT(Required(" "),
              ElementsAre(FieldViolation{"x.name", "must not be blank"}));
  EXPECT_THAT(Required("     "),
              ElementsAre(FieldViolation{"x.name", "must not be blank"}));
}

TEST(CheckRequiredTextTest, DescriptionNeverEchoesTheValue) {
  for (const std::string& value :
       {std::string("Slepens\n"), Repeat("Slepens", 40), std::string("   ")}) {
    for (const FieldViolation& v : Required(value)) {
      EXPECT_EQ(v.description.find("Slepens"), std::string::npos);
    }
  }
}

TEST(CheckOptionalTextTest, EmptyAndBlankAllowed) {
  EXPECT_THAT(Optional(""), IsEmpty());
  EXPECT_THAT(Optional("   "), IsEmpty());
  EXPECT_THAT(Optional("Ģirts"), IsEmpty());
}

TEST(CheckOptionalTextTest, OtherRulesStillApply) {
  EXPECT_THAT(Optional("\xFF"),
              ElementsAre(FieldViolation{"x.note", "must be valid UTF-8"}));
  EXPECT_THAT(Optional("a\nb"),
              ElementsAre(FieldViolation{
                  "x.note", "must not contain control characters"}));
  EXPECT_THAT(
      Optional(Repeat("ē", 11), 10),
      ElementsAre(FieldViolation{"x.note", "must be at most 10 characters"}));
}

TEST(CheckDigitsTest, ExactlyThatManyAsciiDigits) {
  auto check = [](absl::string_view value) {
    Violations v;
    CheckDigits(v, "institution.registration_number", value, 10);
    return v.items();
  };
  EXPECT_THAT(check("0123456789"), IsEmpty());
  const FieldViolation bad{"institution.registration_number",
                           "must be 10 digits"};
  for (const std::string& s :
       {std::string(""), std::string("012345678"), std::string("01234567890"),
        std::string("01234 6789"), std::string("012345678a"),
        std::string("-123456789"), std::string("+123456789"),
        std::string("٠١٢٣٤٥٦٧٨٩"),  // Arabic-Indic digits
        std::string("0123456789\n")}) {
    EXPECT_THAT(check(s), ElementsAre(bad)) << absl::CEscape(s);
  }
}

TEST(CheckRequestIdTest, Rules) {
  auto check = [](absl::string_view value) {
    Violations v;
    CheckRequestId(v, value);
    return v.items();
  };
  EXPECT_THAT(check(""), IsEmpty());
  EXPECT_THAT(check("550e8400-e29b-41d4-a716-446655440000"), IsEmpty());
  EXPECT_THAT(check("!~{}[]<>|;:'\"`"), IsEmpty());
  EXPECT_THAT(check(std::string(64, 'r')), IsEmpty());
  EXPECT_THAT(check(std::string(65, 'r')),
              ElementsAre(FieldViolation{"request_id",
                                         "must be at most 64 characters"}));
  const FieldViolation printable{"request_id",
                                 "must be printable ASCII without spaces"};
  for (const std::string& s :
       {std::string("a b"), std::string("a\tb"), std::string("a\x7f"),
        std::string("ā"), std::string("a\0b", 3)}) {
    EXPECT_THAT(check(s), ElementsAre(printable)) << absl::CEscape(s);
  }
}

}  // namespace
}  // namespace pumpurs
