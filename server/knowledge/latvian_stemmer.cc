#include "server/knowledge/latvian_stemmer.h"

#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "server/common/collation.h"

namespace pumpurs::knowledge {
namespace {

// The Latvian letters with diacritics (both cases) and their folded ASCII
// letter; anything else non-ASCII goes through ICU (FoldForSearch).
struct FoldEntry {
  UChar32 letter;
  char folded;
};
constexpr FoldEntry kLatvianFolds[] = {
    {0x0101, 'a'}, {0x0100, 'a'},  // ā Ā
    {0x010D, 'c'}, {0x010C, 'c'},  // č Č
    {0x0113, 'e'}, {0x0112, 'e'},  // ē Ē
    {0x0123, 'g'}, {0x0122, 'g'},  // ģ Ģ
    {0x012B, 'i'}, {0x012A, 'i'},  // ī Ī
    {0x0137, 'k'}, {0x0136, 'k'},  // ķ Ķ
    {0x013C, 'l'}, {0x013B, 'l'},  // ļ Ļ
    {0x0146, 'n'}, {0x0145, 'n'},  // ņ Ņ
    {0x0161, 's'}, {0x0160, 's'},  // š Š
    {0x016B, 'u'}, {0x016A, 'u'},  // ū Ū
    {0x017E, 'z'}, {0x017D, 'z'},  // ž Ž
};

// Latvian endings, longest first (folded forms).
constexpr absl::string_view kLatvianEndings[] = {
    "iem", "ais",                                      //
    "am",  "em",  "im", "um", "as", "es", "is", "us",  //
    "os",  "ai",  "ei", "ie",                          //
    "a",   "e",   "i",  "u",  "s",
};

bool HasDigit(absl::string_view word) {
  for (char c : word) {
    if (absl::ascii_isdigit(static_cast<unsigned char>(c))) return true;
  }
  return false;
}

// Length in code points (folded words are almost always ASCII).
size_t CodePoints(absl::string_view s) {
  size_t n = 0;
  for (char c : s) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
  }
  return n;
}

}  // namespace

Language LanguageOfLocale(absl::string_view locale) {
  return locale == "lv" ? Language::kLatvian : Language::kEnglish;
}

std::string FoldWord(absl::string_view word) {
  std::string out;
  out.reserve(word.size());
  const auto* bytes = reinterpret_cast<const uint8_t*>(word.data());
  const int32_t length = static_cast<int32_t>(word.size());
  for (int32_t i = 0; i < length;) {
    if (bytes[i] < 0x80) {
      out.push_back(absl::ascii_tolower(static_cast<unsigned char>(bytes[i])));
      ++i;
      continue;
    }
    UChar32 c;
    U8_NEXT(bytes, i, length, c);
    bool found = false;
    for (const FoldEntry& e : kLatvianFolds) {
      if (e.letter == c) {
        out.push_back(e.folded);
        found = true;
        break;
      }
    }
    if (!found) return FoldForSearch(word);
  }
  return out;
}

std::string StemLatvian(absl::string_view folded) {
  const size_t length = CodePoints(folded);
  if (length <= kMinStemLength || HasDigit(folded)) {
    return std::string(folded);
  }
  for (absl::string_view ending : kLatvianEndings) {
    if (absl::EndsWith(folded, ending) &&
        length - ending.size() >= static_cast<size_t>(kMinStemLength)) {
      return std::string(folded.substr(0, folded.size() - ending.size()));
    }
  }
  return std::string(folded);
}

std::string StemEnglish(absl::string_view folded) {
  if (CodePoints(folded) < 4 || HasDigit(folded)) return std::string(folded);
  if (absl::EndsWith(folded, "ies") && folded.size() > 4) {
    return std::string(folded.substr(0, folded.size() - 3)) + "y";
  }
  if (absl::EndsWith(folded, "s") && !absl::EndsWith(folded, "ss") &&
      !absl::EndsWith(folded, "us") && !absl::EndsWith(folded, "is")) {
    return std::string(folded.substr(0, folded.size() - 1));
  }
  return std::string(folded);
}

std::string NormalizeWord(Language language, absl::string_view word) {
  std::string folded = FoldWord(word);
  return language == Language::kLatvian ? StemLatvian(folded)
                                        : StemEnglish(folded);
}

std::vector<WordSpan> SplitWords(absl::string_view utf8) {
  std::vector<WordSpan> words;
  const auto* bytes = reinterpret_cast<const uint8_t*>(utf8.data());
  const int32_t length = static_cast<int32_t>(utf8.size());
  bool in_word = false;
  size_t begin = 0;
  for (int32_t i = 0; i < length;) {
    const int32_t start = i;
    bool word_char;
    if (bytes[i] < 0x80) {
      word_char = absl::ascii_isalnum(bytes[i]);
      ++i;
    } else {
      UChar32 c;
      U8_NEXT(bytes, i, length, c);
      word_char =
          c >= 0 && (u_isalnum(c) || u_charType(c) == U_NON_SPACING_MARK ||
                     u_charType(c) == U_COMBINING_SPACING_MARK);
    }
    if (word_char && !in_word) {
      in_word = true;
      begin = static_cast<size_t>(start);
    } else if (!word_char && in_word) {
      in_word = false;
      words.push_back({begin, static_cast<size_t>(start)});
    }
  }
  if (in_word) words.push_back({begin, utf8.size()});
  return words;
}

std::string NormalizeText(Language language, absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const WordSpan& w : SplitWords(text)) {
    if (!out.empty()) out.push_back(' ');
    out += NormalizeWord(language, text.substr(w.begin, w.end - w.begin));
  }
  return out;
}

}  // namespace pumpurs::knowledge
