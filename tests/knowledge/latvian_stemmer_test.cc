#include "server/knowledge/latvian_stemmer.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/common/collation.h"

namespace pumpurs::knowledge {
namespace {

using ::testing::ElementsAre;

std::string Lv(absl::string_view word) {
  return NormalizeWord(Language::kLatvian, word);
}
std::string En(absl::string_view word) {
  return NormalizeWord(Language::kEnglish, word);
}

TEST(FoldWordTest, MatchesFoldForSearch) {
  for (absl::string_view w :
       {"Kavējumiem", "ĀBEĻU", "ceļš", "Žīgurs", "ģimnāzija", "Ķekava",
        "ņurdēt", "Čūska", "plain", "MiXeD42", "Ørsted", "Straße", "naïve"}) {
    EXPECT_EQ(FoldWord(w), FoldForSearch(w)) << w;
  }
  EXPECT_EQ(FoldWord("Kavējumiem"), "kavejumiem");
}

TEST(StemLatvianTest, NounInflectionsMeet) {
  const std::string stem = Lv("kavējums");
  EXPECT_EQ(stem, "kavejum");
  for (absl::string_view form :
       {"kavējumi", "kavējumu", "kavējumiem", "kavējumam", "kavējuma",
        "kavējumos", "Kavējumus", "KAVĒJUMI"}) {
    EXPECT_EQ(Lv(form), stem) << form;
  }
  for (absl::string_view form :
       {"skola", "skolā", "skolas", "skolām", "skolai", "skolu", "skolās"}) {
    EXPECT_EQ(Lv(form), "skol") << form;
  }
  for (absl::string_view form : {"psihologs", "psihologa", "psihologam",
                                 "psihologi", "psihologiem", "psihologu"}) {
    EXPECT_EQ(Lv(form), "psiholog") << form;
  }
  for (absl::string_view form :
       {"konsultācija", "konsultācijas", "konsultāciju", "konsultācijai",
        "konsultācijām"}) {
    EXPECT_EQ(Lv(form), "konsultacij") << form;
  }
  for (absl::string_view form : {"māte", "mātei", "mātes", "mātēm"}) {
    EXPECT_EQ(Lv(form), "mat") << form;
  }
  EXPECT_EQ(Lv("tirgus"), Lv("tirgum"));
  EXPECT_EQ(Lv("brālis"), Lv("brāļa"));
  EXPECT_EQ(Lv("ceļš"), Lv("ceļa"));
}

TEST(StemLatvianTest, NounsInAjsKeepTheirStem) {
  // -ajam / -ajiem are deliberately not endings (see the header).
  for (absl::string_view form : {"skolotājs", "skolotāja", "skolotājam",
                                 "skolotāji", "skolotājiem", "skolotāju"}) {
    EXPECT_EQ(Lv(form), "skolotaj") << form;
  }
}

TEST(StemLatvianTest, ShortWordsSurvive) {
  EXPECT_EQ(Lv("un"), "un");
  EXPECT_EQ(Lv("ir"), "ir");
  EXPECT_EQ(Lv("kas"), "kas");
  EXPECT_EQ(Lv("tas"), "tas");
  // The longest ending would leave too little: a shorter one is used.
  EXPECT_EQ(Lv("ēkas"), "eka");
  EXPECT_EQ(Lv("ēka"), "eka");
  EXPECT_EQ(Lv("ēkai"), "eka");
  EXPECT_EQ(Lv("tēvs"), "tev");
}

TEST(StemLatvianTest, WordsWithDigitsAreKept) {
  EXPECT_EQ(Lv("2026"), "2026");
  EXPECT_EQ(Lv("9a"), "9a");
  EXPECT_EQ(Lv("covid19s"), "covid19s");
}

TEST(StemEnglishTest, OnlyPlurals) {
  EXPECT_EQ(En("pupils"), "pupil");
  EXPECT_EQ(En("Absences"), "absence");
  EXPECT_EQ(En("families"), "family");
  EXPECT_EQ(En("class"), "class");
  EXPECT_EQ(En("bus"), "bus");
  EXPECT_EQ(En("analysis"), "analysis");
  EXPECT_EQ(En("absent"), "absent");
  EXPECT_EQ(En("was"), "was");
  EXPECT_EQ(En("school"), "school");
  EXPECT_EQ(En("psychologist"), "psychologist");
}

TEST(SplitWordsTest, UnicodeWordsAndPunctuation) {
  const std::string text = "„Kavējumi” — skolā: 12 dienas; e-klase!";
  std::vector<std::string> words;
  for (const WordSpan& w : SplitWords(text)) {
    words.push_back(text.substr(w.begin, w.end - w.begin));
  }
  EXPECT_THAT(words,
              ElementsAre("Kavējumi", "skolā", "12", "dienas", "e", "klase"));
  EXPECT_TRUE(SplitWords("").empty());
  EXPECT_TRUE(SplitWords(" ,.!? ").empty());
}

TEST(SplitWordsTest, CombiningMarksStayInTheWord) {
  // "ā" as a + combining macron (NFD).
  const std::string text = "ma\xCC\x84ja";
  ASSERT_EQ(SplitWords(text).size(), 1u);
  EXPECT_EQ(Lv(text), "maj");
}

TEST(NormalizeTextTest, JoinsNormalizedWords) {
  EXPECT_EQ(
      NormalizeText(Language::kLatvian,
                    "Neattaisnoti kavējumi skolā, # Psihologa konsultācija"),
      "neattaisnot kavejum skol psiholog konsultacij");
  EXPECT_EQ(NormalizeText(Language::kEnglish, "Unjustified absences!"),
            "unjustified absence");
}

TEST(LanguageOfLocaleTest, LatvianOnlyForLv) {
  EXPECT_EQ(LanguageOfLocale("lv"), Language::kLatvian);
  EXPECT_EQ(LanguageOfLocale("en"), Language::kEnglish);
  EXPECT_EQ(LanguageOfLocale(""), Language::kEnglish);
}

}  // namespace
}  // namespace pumpurs::knowledge
