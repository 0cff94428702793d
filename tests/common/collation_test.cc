// Latvian collation keys: byte order of the keys is Latvian alphabetical
// order (CLDR "lv"), where č, ģ, ķ, ļ, ņ, š, ž are letters of their own
// but long vowels (ā, ē, ī, ū) differ from short ones only secondarily.

#include "server/common/collation.h"

#include <algorithm>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/escaping.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace pumpurs {
namespace {

::testing::AssertionResult SortsBefore(const std::string& a,
                                       const std::string& b) {
  std::string ka = LatvianSortKey(a);
  std::string kb = LatvianSortKey(b);
  if (ka < kb) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << "\"" << a << "\" does not sort before \"" << b << "\" (keys "
         << absl::BytesToHexString(ka) << " vs " << absl::BytesToHexString(kb)
         << ")";
}

TEST(CollationTest, CaronLettersAreSeparateLetters) {
  EXPECT_TRUE(SortsBefore("c", "č"));
  EXPECT_TRUE(SortsBefore("č", "d"));
  EXPECT_TRUE(SortsBefore("s", "š"));
  EXPECT_TRUE(SortsBefore("š", "t"));
  EXPECT_TRUE(SortsBefore("z", "ž"));
  // A primary difference: in root collation "ča" < "cz", in Latvian "cz" <
  // "ča".
  EXPECT_TRUE(SortsBefore("cz", "ča"));
  EXPECT_TRUE(SortsBefore("sz", "ša"));
  EXPECT_TRUE(SortsBefore("zz", "ža"));
  EXPECT_TRUE(SortsBefore("Cēsis", "Čaka iela"));
  EXPECT_TRUE(SortsBefore("Saldus", "Šķēde"));
  EXPECT_TRUE(SortsBefore("Zilupe", "Žagare"));
}

TEST(CollationTest, CedillaLettersAreSeparateLetters) {
  EXPECT_TRUE(SortsBefore("gz", "ģa"));
  EXPECT_TRUE(SortsBefore("ģ", "h"));
  EXPECT_TRUE(SortsBefore("kz", "ķa"));
  EXPECT_TRUE(SortsBefore("ķ", "l"));
  EXPECT_TRUE(SortsBefore("lz", "ļa"));
  EXPECT_TRUE(SortsBefore("ļ", "m"));
  EXPECT_TRUE(SortsBefore("nz", "ņa"));
  EXPECT_TRUE(SortsBefore("ņ", "o"));
}

TEST(CollationTest, LongVowelsAreOnlySecondaryDifferences) {
  // Ā is not a letter after A: "Ābeļu" and "Auces" are told apart by their
  // second letters (b < u) before the macron is considered.
  EXPECT_TRUE(SortsBefore("Ābeļu iela", "Auces novads"));
  EXPECT_TRUE(SortsBefore("Ādažu novads", "Aizkraukles novads"));
  EXPECT_TRUE(SortsBefore("ēdnīca", "ezers"));
  EXPECT_TRUE(SortsBefore("Īle", "Iz"));
  EXPECT_TRUE(SortsBefore("ūdens", "uz"));
  // With equal base letters the macron breaks the tie, after the plain vowel.
  EXPECT_TRUE(SortsBefore("Abele", "Ābele"));
  EXPECT_TRUE(SortsBefore("a", "ā"));
  EXPECT_TRUE(SortsBefore("ā", "b"));
}

TEST(CollationTest, SortsMunicipalityNamesAlphabetically) {
  const std::vector<std::string> expected = {
      "Ādažu novads",
      "Aizkraukles novads",
      "Alūksnes novads",
      "Augšdaugavas novads",
      "Bauskas novads",
      "Cēsu novads",
      "Čiekurkalns",
      "Daugavpils",
      "Dienvidkurzemes novads",
      "Gulbenes novads",
      "Ģipka",
      "Jelgava",
      "Ķekava",
      "Liepāja",
      "Ludzas novads",
      "Ļaudona",
      "Madonas novads",
      "Nīcas pagasts",
      "Ņukši",
      "Ogres novads",
      "Rēzekne",
      "Rīga",
      "Saldus novads",
      "Siguldas novads",
      "Šķēde",
      "Talsu novads",
      "Tukuma novads",
      "Valmiera",
      "Zilupe",
      "Žagari",
  };
  std::vector<std::string> shuffled = expected;
  std::mt19937 rng(42);
  for (int round = 0; round < 5; ++round) {
    std::shuffle(shuffled.begin(), shuffled.end(), rng);
    std::sort(shuffled.begin(), shuffled.end(),
              [](const std::string& a, const std::string& b) {
                return LatvianSortKey(a) < LatvianSortKey(b);
              });
    EXPECT_EQ(shuffled, expected);
  }
}

TEST(CollationTest, EqualTextsHaveEqualKeysDifferentTextsDifferentKeys) {
  EXPECT_EQ(LatvianSortKey("Rīga"), LatvianSortKey("Rīga"));
  EXPECT_NE(LatvianSortKey("Rīga"), LatvianSortKey("Riga"));
  EXPECT_NE(LatvianSortKey("rīga"), LatvianSortKey("Rīga"));  // tertiary
  EXPECT_TRUE(SortsBefore("Rīga", "Rīgas"));
}

TEST(CollationTest, KeysHaveNoTerminatorOrNulBytes) {
  for (const std::string& s :
       {std::string("a"), std::string("Ģirts Ķēniņš"), std::string(300, 'x')}) {
    std::string key = LatvianSortKey(s);
    ASSERT_FALSE(key.empty());
    EXPECT_EQ(key.find('\0'), std::string::npos) << s;
  }
}

TEST(CollationTest, EmptyTextSortsFirst) {
  EXPECT_TRUE(SortsBefore("", "a"));
  EXPECT_TRUE(SortsBefore("", " "));
}

TEST(CollationTest, LongTextsAreNotTruncated) {
  // Keys longer than the first buffer must be complete: texts differing only
  // at the end must still order correctly.
  std::string prefix;
  for (int i = 0; i < 40; ++i) prefix += "Ģirts Ķēniņš ";
  EXPECT_TRUE(SortsBefore(prefix + "c", prefix + "č"));
  EXPECT_TRUE(SortsBefore(prefix + "č", prefix + "d"));
  EXPECT_GT(LatvianSortKey(prefix).size(), 64u);
}

TEST(CollationTest, InvalidUtf8DoesNotCrash) {
  std::string key = LatvianSortKey("abc\xFF");
  EXPECT_FALSE(key.empty());
}

TEST(CollationTest, SameKeysFromManyThreads) {
  const std::vector<std::string> words = {"Ābeļu", "Auces", "čaulas",
                                          "Ģirts Ķēniņš", "žagata"};
  std::vector<std::string> expected;
  for (const auto& w : words) expected.push_back(LatvianSortKey(w));
  std::vector<std::thread> threads;
  std::vector<int> mismatches(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 2000; ++i) {
        size_t k = (i + t) % words.size();
        if (LatvianSortKey(words[k]) != expected[k]) ++mismatches[t];
      }
    });
  }
  for (auto& t : threads) t.join();
  for (int m : mismatches) EXPECT_EQ(m, 0);
}

}  // namespace
}  // namespace pumpurs
