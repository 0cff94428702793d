// The CSV reader: delimiter detection, BOM, quotes with "" and embedded
// delimiters and line breaks, LF/CRLF/CR, blank lines, malformed records,
// and the line each record starts on.

#include "server/directory/csv.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace pumpurs::directory {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

std::vector<CsvRecord> ReadAll(const std::string& data,
                               char* delimiter = nullptr) {
  CsvReader reader(data);
  if (delimiter != nullptr) *delimiter = reader.delimiter();
  std::vector<CsvRecord> out;
  CsvRecord r;
  while (reader.Next(r)) out.push_back(r);
  return out;
}

TEST(CsvTest, CommaFile) {
  char delimiter = 0;
  std::vector<CsvRecord> r = ReadAll("a,b,c\n1,2,3\n", &delimiter);
  EXPECT_EQ(delimiter, ',');
  ASSERT_EQ(r.size(), 2u);
  EXPECT_THAT(r[0].fields, ElementsAre("a", "b", "c"));
  EXPECT_THAT(r[1].fields, ElementsAre("1", "2", "3"));
  EXPECT_EQ(r[0].line, 1);
  EXPECT_EQ(r[1].line, 2);
}

TEST(CsvTest, SemicolonFileWithCommasInside) {
  char delimiter = 0;
  std::vector<CsvRecord> r =
      ReadAll("vārds;uzvārds;piezīme\nAnna;Ozola;a, b\n", &delimiter);
  EXPECT_EQ(delimiter, ';');
  ASSERT_EQ(r.size(), 2u);
  EXPECT_THAT(r[1].fields, ElementsAre("Anna", "Ozola", "a, b"));
}

TEST(CsvTest, DelimiterComesFromTheHeaderLineOnly) {
  // The header has more commas; the semicolons of the data don't count.
  char delimiter = 0;
  ReadAll("a,b\n1;2;3;4;5,6\n", &delimiter);
  EXPECT_EQ(delimiter, ',');
  // Quoted delimiters in the header don't count either.
  ReadAll("\"a,b,c\";d;e\n", &delimiter);
  EXPECT_EQ(delimiter, ';');
  // A one-column file.
  ReadAll("id\n1\n", &delimiter);
  EXPECT_EQ(delimiter, ',');
}

TEST(CsvTest, ByteOrderMarkIsSkipped) {
  std::vector<CsvRecord> r = ReadAll("\xEF\xBB\xBFid;name\n1;x\n");
  ASSERT_EQ(r.size(), 2u);
  EXPECT_THAT(r[0].fields, ElementsAre("id", "name"));
}

TEST(CsvTest, QuotedFields) {
  std::vector<CsvRecord> r = ReadAll(
      "a;b;c\n"
      "\"x;y\";\"say \"\"hi\"\"\";\"\"\n"
      "\"two\nlines\";\"three\r\nlines\rhere\";z\n"
      "after;the;quotes\n");
  ASSERT_EQ(r.size(), 4u);
  EXPECT_THAT(r[1].fields, ElementsAre("x;y", "say \"hi\"", ""));
  EXPECT_THAT(r[2].fields,
              ElementsAre("two\nlines", "three\r\nlines\rhere", "z"));
  EXPECT_TRUE(r[2].error.empty());
  // Line numbers count the lines inside quotes.
  EXPECT_EQ(r[2].line, 3);
  EXPECT_EQ(r[3].line, 7);  // 3 + one LF + one CRLF + one CR
}

TEST(CsvTest, LineEndings) {
  for (const std::string& data :
       {std::string("a,b\r\n1,2\r\n3,4"), std::string("a,b\n1,2\n3,4\n"),
        std::string("a,b\r1,2\r3,4\r")}) {
    std::vector<CsvRecord> r = ReadAll(data);
    ASSERT_EQ(r.size(), 3u);
    EXPECT_THAT(r[2].fields, ElementsAre("3", "4"));
    EXPECT_EQ(r[2].line, 3);
  }
}

TEST(CsvTest, BlankLinesAreSkippedButCounted) {
  std::vector<CsvRecord> r = ReadAll("a,b\n\n1,2\r\n\r\n\n3,4\n\n");
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[1].line, 3);
  EXPECT_EQ(r[2].line, 6);
  // A line with only delimiters is a record (of empty fields).
  r = ReadAll("a,b\n,\n");
  ASSERT_EQ(r.size(), 2u);
  EXPECT_THAT(r[1].fields, ElementsAre("", ""));
  // So is a line with one quoted empty field.
  r = ReadAll("a\n\"\"\n");
  ASSERT_EQ(r.size(), 2u);
  EXPECT_THAT(r[1].fields, ElementsAre(""));
}

TEST(CsvTest, EmptyFieldsAndTrailingDelimiter) {
  std::vector<CsvRecord> r = ReadAll("a;b;c\n;;\n1;;\n");
  ASSERT_EQ(r.size(), 3u);
  EXPECT_THAT(r[1].fields, ElementsAre("", "", ""));
  EXPECT_THAT(r[2].fields, ElementsAre("1", "", ""));
}

TEST(CsvTest, MalformedRecordsSayWhyAndReadingGoesOn) {
  std::vector<CsvRecord> r =
      ReadAll("a,b\n\"x\"y,2\n\"ok\"  ,3\nplain\"quote,4\n\"open,5\n6,7\n");
  ASSERT_EQ(r.size(), 5u);
  EXPECT_EQ(r[1].error, "text follows a closing quote");
  EXPECT_EQ(r[1].line, 2);
  // Spaces after a closing quote are dropped.
  EXPECT_TRUE(r[2].error.empty());
  EXPECT_THAT(r[2].fields, ElementsAre("ok", "3"));
  // A quote inside an unquoted field is kept as it is.
  EXPECT_TRUE(r[3].error.empty());
  EXPECT_THAT(r[3].fields, ElementsAre("plain\"quote", "4"));
  // An unclosed quote swallows the rest of the file.
  EXPECT_EQ(r[4].error, "a quoted field is not closed");
  EXPECT_EQ(r[4].line, 5);
}

TEST(CsvTest, EmptyData) {
  EXPECT_THAT(ReadAll(""), IsEmpty());
  EXPECT_THAT(ReadAll("\xEF\xBB\xBF"), IsEmpty());
  EXPECT_THAT(ReadAll("\n\n\r\n"), IsEmpty());
}

TEST(CsvTest, LastLineWithoutNewline) {
  std::vector<CsvRecord> r = ReadAll("a;b\n1;2");
  ASSERT_EQ(r.size(), 2u);
  EXPECT_THAT(r[1].fields, ElementsAre("1", "2"));
}

}  // namespace
}  // namespace pumpurs::directory
