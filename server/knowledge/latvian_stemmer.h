#ifndef PUMPURS_SERVER_KNOWLEDGE_LATVIAN_STEMMER_H_
#define PUMPURS_SERVER_KNOWLEDGE_LATVIAN_STEMMER_H_

// Word normalization for knowledge-base search: folding and light stemming.
//
// A word is first FOLDED (lowercase, diacritics removed: "Kavējumiem" →
// "kavejumiem", "ceļš" → "cels"; the same result as FoldForSearch in
// common/collation.h, with a fast path for ASCII and Latvian letters), then
// STEMMED by a rule set chosen by the text's language. The index and the
// query go through the same two steps, so inflected forms meet at one stem.
//
// Latvian (StemLatvian): strips ONE inflectional ending, the longest of
//   iem  ais
//   am em im um  as es is us os  ai ei ie
//   a e i u s
// that leaves a stem of at least kMinStemLength (3) characters; if the
// longest matching ending would leave less, the next shorter matching one is
// tried ("ekas" → "eka", same as "eka" and "ekai"). Because the input is
// folded, the long-vowel endings are covered too (-ām/-ēm/-īm/-ūm, -ās/-ēs/
// -īs/-ūs, -ā/-ē/-ī/-ū) and -š reads as -s. So kavējums / kavējumi /
// kavējumu / kavējumiem / kavējumam all become "kavejum", and skola / skolā /
// skolas / skolām / skolai become "skol". Words with a digit and words
// shorter than four characters are left alone.
//   Deliberately NOT stripped: the definite-adjective endings -ajam, -ajiem,
//   -ajai, -ajos, which in folded text are indistinguishable from nouns in
//   -ājs (skolotājam, skolotājiem would lose their "aj" and stop meeting
//   skolotājs); and verb endings (-t, -ties, -ju, ...): the search matches
//   every query word as a prefix, which covers most verb forms
//   ("iesaistīt" finds "iesaistīties") better than a guess would.
//
// English (StemEnglish): only a plural: "-ies" → "-y" (families → family)
// and a trailing "s" unless the word ends in "ss", "us" or "is" (pupils →
// pupil, absences → absence; class, bus, analysis stay), for words of four
// or more characters. Anything more would conflate words for little gain.
//
// The stemmer is not a dictionary: it may conflate unrelated words with the
// same stem (skola "school" and skolēns "pupil" both start "skol"-, and a
// prefix query finds both). That costs precision, never a missed match of
// an inflected form it covers.

#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace pumpurs::knowledge {

enum class Language { kLatvian, kEnglish };

// "lv" → kLatvian, anything else → kEnglish.
Language LanguageOfLocale(absl::string_view locale);

inline constexpr int kMinStemLength = 3;

// `word` lowercased with diacritics removed; equal to FoldForSearch(word).
std::string FoldWord(absl::string_view word);

// The stem of a folded word (see the header comment).
std::string StemLatvian(absl::string_view folded);
std::string StemEnglish(absl::string_view folded);

// FoldWord, then the stemmer of `language`.
std::string NormalizeWord(Language language, absl::string_view word);

// A word's byte range within a text.
struct WordSpan {
  size_t begin = 0;
  size_t end = 0;
};

// The words of a UTF-8 text: maximal runs of Unicode letters, digits and
// combining marks. Invalid UTF-8 bytes separate words.
std::vector<WordSpan> SplitWords(absl::string_view utf8);

// Every word of `text` normalized, joined by single spaces: what the search
// index stores.
std::string NormalizeText(Language language, absl::string_view text);

}  // namespace pumpurs::knowledge

#endif  // PUMPURS_SERVER_KNOWLEDGE_LATVIAN_STEMMER_H_
