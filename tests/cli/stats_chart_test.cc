// TrendChartSvg (cli/stats_chart.h): the SVG of `pumpurs stats chart` is
// well-formed XML in the SVG namespace, draws one polyline point per
// semester whose figure is shown and none for a suppressed one (the line
// breaks there), leaves out suppressed bars, and escapes texts for XML.
// The document is read back with a small XML parser below, which rejects
// what an XML parser must reject (unbalanced tags, a bare & or <, unquoted
// or repeated attributes, invalid UTF-8).

#include "cli/stats_chart.h"

#include <iterator>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "pumpurs/v1/statistics.pb.h"

namespace pumpurs::cli {
namespace {

namespace v1 = ::pumpurs::v1;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

// ---- a small XML reader ----

struct Element {
  std::string name;
  std::map<std::string, std::string> attributes;
  std::vector<Element> children;
  std::string text;  // the character data directly inside, decoded
};

bool ValidUtf8(absl::string_view s) {
  for (size_t i = 0; i < s.size();) {
    const unsigned char c = s[i];
    size_t extra = 0;
    if (c >= 0x80) {
      if ((c & 0xE0) == 0xC0) {
        extra = 1;
      } else if ((c & 0xF0) == 0xE0) {
        extra = 2;
      } else if ((c & 0xF8) == 0xF0) {
        extra = 3;
      } else {
        return false;
      }
    }
    if (i + extra >= s.size() && extra > 0) return false;
    for (size_t k = 1; k <= extra; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    }
    i += extra + 1;
  }
  return true;
}

class XmlReader {
 public:
  explicit XmlReader(absl::string_view text) : s_(text) {}

  // The root element, or false with error() set.
  bool Read(Element* root) {
    if (!ValidUtf8(s_)) return Error("not UTF-8");
    SkipProlog();
    if (!ReadElement(root)) return false;
    SkipMisc();
    if (pos_ != s_.size()) return Error("content after the root element");
    return true;
  }
  const std::string& error() const { return error_; }

 private:
  bool Error(absl::string_view what) {
    error_ = absl::StrCat(what, " at byte ", pos_);
    return false;
  }
  bool StartsHere(absl::string_view p) const {
    return absl::StartsWith(s_.substr(pos_), p);
  }
  void SkipSpace() {
    while (pos_ < s_.size() && absl::ascii_isspace(s_[pos_])) ++pos_;
  }
  void SkipMisc() {
    for (;;) {
      SkipSpace();
      if (StartsHere("<!--")) {
        size_t end = s_.find("-->", pos_);
        pos_ = end == absl::string_view::npos ? s_.size() : end + 3;
      } else {
        return;
      }
    }
  }
  void SkipProlog() {
    if (StartsHere("<?xml")) {
      size_t end = s_.find("?>", pos_);
      pos_ = end == absl::string_view::npos ? s_.size() : end + 2;
    }
    SkipMisc();
  }
  static bool NameChar(char c) {
    return absl::ascii_isalnum(c) || c == '-' || c == '_' || c == ':' ||
           c == '.';
  }
  bool ReadName(std::string* name) {
    size_t start = pos_;
    if (pos_ >= s_.size() || !(absl::ascii_isalpha(s_[pos_]) ||
                               s_[pos_] == '_' || s_[pos_] == ':')) {
      return Error("expected a name");
    }
    while (pos_ < s_.size() && NameChar(s_[pos_])) ++pos_;
    *name = std::string(s_.substr(start, pos_ - start));
    return true;
  }
  // Decodes one reference after '&'; only XML's five entities and numeric
  // references exist in a standalone document without a DTD.
  bool ReadReference(std::string* out) {
    size_t end = s_.find(';', pos_);
    if (end == absl::string_view::npos || end - pos_ > 10) {
      return Error("bare &");
    }
    absl::string_view ref = s_.substr(pos_ + 1, end - pos_ - 1);
    static const std::map<std::string, std::string> kEntities = {
        {"amp", "&"}, {"lt", "<"}, {"gt", ">"}, {"quot", "\""}, {"apos", "'"}};
    if (auto it = kEntities.find(std::string(ref)); it != kEntities.end()) {
      *out += it->second;
    } else if (absl::StartsWith(ref, "#")) {
      // Numeric references are valid; the chart does not need their value.
      *out += "?";
    } else {
      return Error(absl::StrCat("unknown entity &", ref, ";"));
    }
    pos_ = end + 1;
    return true;
  }
  bool ReadElement(Element* e) {
    if (!StartsHere("<")) return Error("expected <");
    ++pos_;
    if (!ReadName(&e->name)) return false;
    for (;;) {
      SkipSpace();
      if (StartsHere("/>")) {
        pos_ += 2;
        return true;
      }
      if (StartsHere(">")) {
        ++pos_;
        break;
      }
      std::string attribute;
      if (!ReadName(&attribute)) return false;
      SkipSpace();
      if (!StartsHere("=")) return Error("attribute without =");
      ++pos_;
      SkipSpace();
      if (pos_ >= s_.size() || (s_[pos_] != '"' && s_[pos_] != '\'')) {
        return Error("unquoted attribute");
      }
      const char quote = s_[pos_++];
      std::string value;
      while (pos_ < s_.size() && s_[pos_] != quote) {
        if (s_[pos_] == '<') return Error("< in an attribute value");
        if (s_[pos_] == '&') {
          if (!ReadReference(&value)) return false;
        } else {
          value += s_[pos_++];
        }
      }
      if (pos_ >= s_.size()) return Error("unterminated attribute");
      ++pos_;
      if (!e->attributes.emplace(attribute, value).second) {
        return Error(absl::StrCat("attribute ", attribute, " twice"));
      }
    }
    for (;;) {
      if (pos_ >= s_.size())
        return Error(absl::StrCat("<", e->name, "> not closed"));
      if (StartsHere("</")) {
        pos_ += 2;
        std::string name;
        if (!ReadName(&name)) return false;
        if (name != e->name) {
          return Error(absl::StrCat("</", name, "> closes <", e->name, ">"));
        }
        SkipSpace();
        if (!StartsHere(">")) return Error("expected >");
        ++pos_;
        return true;
      }
      if (StartsHere("<!--")) {
        SkipMisc();
        continue;
      }
      if (StartsHere("<")) {
        e->children.emplace_back();
        if (!ReadElement(&e->children.back())) return false;
        continue;
      }
      if (s_[pos_] == '&') {
        if (!ReadReference(&e->text)) return false;
        continue;
      }
      if (s_[pos_] == '>' && pos_ >= 2 && s_.substr(pos_ - 2, 2) == "]]") {
        return Error("]]> in text");
      }
      e->text += s_[pos_++];
    }
  }

  absl::string_view s_;
  size_t pos_ = 0;
  std::string error_;
};

Element Parse(const std::string& svg) {
  Element root;
  XmlReader reader(svg);
  EXPECT_TRUE(reader.Read(&root)) << reader.error() << "\n" << svg;
  return root;
}

void Collect(const Element& e, absl::string_view name,
             std::vector<const Element*>* out) {
  if (e.name == name) out->push_back(&e);
  for (const Element& c : e.children) Collect(c, name, out);
}

std::vector<const Element*> All(const Element& root, absl::string_view name,
                                absl::string_view cls = "") {
  std::vector<const Element*> all;
  Collect(root, name, &all);
  std::vector<const Element*> out;
  for (const Element* e : all) {
    auto it = e->attributes.find("class");
    if (cls.empty() || (it != e->attributes.end() && it->second == cls)) {
      out.push_back(e);
    }
  }
  return out;
}

struct XY {
  double x;
  double y;
};

std::vector<XY> PointsOf(const Element& polyline) {
  std::vector<XY> out;
  for (absl::string_view pair : absl::StrSplit(polyline.attributes.at("points"),
                                               ' ', absl::SkipEmpty())) {
    std::vector<absl::string_view> xy = absl::StrSplit(pair, ',');
    XY p{};
    EXPECT_EQ(xy.size(), 2u) << pair;
    EXPECT_TRUE(absl::SimpleAtod(xy[0], &p.x)) << pair;
    EXPECT_TRUE(absl::SimpleAtod(xy[1], &p.y)) << pair;
    out.push_back(p);
  }
  return out;
}

std::vector<XY> SeriesPoints(const Element& root, absl::string_view cls) {
  std::vector<XY> out;
  for (const Element* line : All(root, "polyline", cls)) {
    for (const XY& p : PointsOf(*line)) out.push_back(p);
  }
  return out;
}

std::set<double> Xs(const std::vector<XY>& points) {
  std::set<double> out;
  for (const XY& p : points) out.insert(p.x);
  return out;
}

// Every text in the document, decoded, joined by newlines.
std::string AllText(const Element& e) {
  std::string out = e.text;
  for (const Element& c : e.children) absl::StrAppend(&out, "\n", AllText(c));
  return out;
}

// ---- answers ----

v1::Figure Shown(double v) {
  v1::Figure f;
  f.set_value(v);
  return f;
}

v1::Figure Hidden() {
  v1::Figure f;
  f.set_suppressed(true);
  return f;
}

// Semesters from 2023/24-1 on; `pupils` etc. give each one's figure, a
// negative number meaning suppressed.
v1::ProgrammeIndicators Answer(const std::vector<double>& pupils,
                               const std::vector<double>& plans,
                               const std::vector<double>& planned,
                               const std::vector<double>& delivered) {
  auto figure = [](double v) { return v < 0 ? Hidden() : Shown(v); };
  v1::ProgrammeIndicators in;
  for (size_t i = 0; i < pupils.size(); ++i) {
    v1::SemesterIndicators* s = in.add_trend();
    s->mutable_semester()->set_school_year(2023 + static_cast<int>(i) / 2);
    s->mutable_semester()->set_term(1 + static_cast<int>(i) % 2);
    s->set_institutions_involved(3);
    *s->mutable_pupils_supported() = figure(pupils[i]);
    *s->mutable_plans() = figure(plans[i]);
    *s->mutable_hours_planned() = figure(planned[i]);
    *s->mutable_hours_delivered() = figure(delivered[i]);
  }
  return in;
}

TEST(StatsChartTest, StandaloneSvg11InTheSvgNamespace) {
  const std::string svg = TrendChartSvg(Answer(
      {12, 15, 9, 20}, {12, 16, 9, 22}, {40, 50, 30, 60}, {30, 45, 20, 10}));
  EXPECT_THAT(svg, StartsWith("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"));
  const Element root = Parse(svg);
  EXPECT_EQ(root.name, "svg");
  EXPECT_EQ(root.attributes.at("xmlns"), "http://www.w3.org/2000/svg");
  EXPECT_EQ(root.attributes.at("version"), "1.1");
  EXPECT_TRUE(root.attributes.count("width"));
  EXPECT_TRUE(root.attributes.count("height"));
  EXPECT_TRUE(root.attributes.count("viewBox"));
  // A title, axis labels and a legend.
  ASSERT_EQ(All(root, "title").size(), 1u);
  EXPECT_THAT(All(root, "title")[0]->text,
              HasSubstr("Programme trend: national, 2023/24-1 – 2024/25-2"));
  const std::string text = AllText(root);
  for (const char* label :
       {"pupils supported", "plans", "hours planned", "hours delivered",
        "semester", "hours", "2023/24-1", "2024/25-2"}) {
    EXPECT_THAT(text, HasSubstr(label));
  }
  EXPECT_EQ(All(root, "g", "legend").size(), 2u);
  // Nothing suppressed: no gap bands, no note.
  EXPECT_EQ(All(root, "rect").size() - All(root, "rect", "bar-planned").size() -
                All(root, "rect", "bar-delivered").size(),
            // the background and the legend's two boxes
            3u);
  EXPECT_THAT(text, Not(HasSubstr("suppressed")));
  // One unbroken line per series, a point per semester.
  EXPECT_EQ(All(root, "polyline", "series-pupils").size(), 1u);
  EXPECT_EQ(SeriesPoints(root, "series-pupils").size(), 4u);
  EXPECT_EQ(SeriesPoints(root, "series-plans").size(), 4u);
  EXPECT_EQ(All(root, "rect", "bar-planned").size(), 4u);
  EXPECT_EQ(All(root, "rect", "bar-delivered").size(), 4u);
}

TEST(StatsChartTest, HigherValuesAreDrawnHigher) {
  const Element root = Parse(
      TrendChartSvg(Answer({0, 10, 20}, {0, 10, 20}, {0, 5, 100}, {0, 5, 50})));
  const std::vector<XY> pupils = SeriesPoints(root, "series-pupils");
  ASSERT_EQ(pupils.size(), 3u);
  EXPECT_LT(pupils[0].x, pupils[1].x);
  EXPECT_LT(pupils[1].x, pupils[2].x);
  // SVG's y grows downwards.
  EXPECT_GT(pupils[0].y, pupils[1].y);
  EXPECT_GT(pupils[1].y, pupils[2].y);
  std::vector<const Element*> planned = All(root, "rect", "bar-planned");
  ASSERT_EQ(planned.size(), 3u);
  double h1 = 0, h2 = 0;
  ASSERT_TRUE(absl::SimpleAtod(planned[1]->attributes.at("height"), &h1));
  ASSERT_TRUE(absl::SimpleAtod(planned[2]->attributes.at("height"), &h2));
  EXPECT_NEAR(h2 / h1, 20, 0.5);
}

TEST(StatsChartTest, SuppressedPointsAreGapsNeverZero) {
  // Pupils suppressed in semesters 2 and 4, plans in 4, hours planned in 1,
  // hours delivered in 1 and 5.
  const v1::ProgrammeIndicators in =
      Answer({30, 25, -1, 28, -1, 31}, {32, 26, 24, 29, -1, 33},
             {90, -1, 70, 80, 85, 95}, {60, -1, 50, 70, 65, -1});
  const Element root = Parse(TrendChartSvg(in));

  // One point per shown semester, the line broken at each gap: pupils run
  // 0-1, 3, 5; plans 0-3, 5.
  const std::vector<XY> pupils = SeriesPoints(root, "series-pupils");
  const std::vector<XY> plans = SeriesPoints(root, "series-plans");
  EXPECT_EQ(pupils.size(), 4u);
  EXPECT_EQ(plans.size(), 5u);
  EXPECT_EQ(All(root, "polyline", "series-pupils").size(), 3u);
  EXPECT_EQ(All(root, "polyline", "series-plans").size(), 2u);
  // The semesters left out are the suppressed ones: plans' x positions are
  // semesters 0, 1, 2, 3, 5, and pupils lack semester 2's.
  const std::set<double> plan_xs = Xs(plans);
  const std::set<double> pupil_xs = Xs(pupils);
  ASSERT_EQ(plan_xs.size(), 5u);
  const double x2 = *std::next(plan_xs.begin(), 2);
  EXPECT_EQ(pupil_xs.count(x2), 0u);
  for (double x : pupil_xs) EXPECT_EQ(plan_xs.count(x), 1u) << x;
  // No point sits on the zero line: a suppressed figure is not drawn as 0.
  double zero_y = 0;
  {
    const Element& panel_axis = *All(root, "line", "axis")[0];
    ASSERT_TRUE(absl::SimpleAtod(panel_axis.attributes.at("y1"), &zero_y));
  }
  for (const XY& p : pupils) EXPECT_LT(p.y, zero_y);
  for (const XY& p : plans) EXPECT_LT(p.y, zero_y);

  // Bars: none for a suppressed figure.
  EXPECT_EQ(All(root, "rect", "bar-planned").size(), 5u);
  EXPECT_EQ(All(root, "rect", "bar-delivered").size(), 4u);
  // A band marks each gap: semesters 2 and 4 in the top panel, 1 and 5 in
  // the bottom one.
  size_t bands = 0;
  for (const Element* g : All(root, "g", "suppressed")) {
    bands += g->children.size();
  }
  EXPECT_EQ(bands, 4u);
  // And a note says what a gap means.
  EXPECT_THAT(AllText(root), HasSubstr("suppressed figure: fewer than 5"));
}

TEST(StatsChartTest, AllSuppressedStillAValidChart) {
  const Element root =
      Parse(TrendChartSvg(Answer({-1, -1}, {-1, -1}, {-1, -1}, {-1, -1})));
  EXPECT_TRUE(All(root, "polyline").empty());
  EXPECT_TRUE(All(root, "rect", "bar-planned").empty());
  EXPECT_TRUE(All(root, "rect", "bar-delivered").empty());
}

TEST(StatsChartTest, LatvianTextsAreEscapedForXml) {
  TrendChartOptions options;
  options.language = "lv";
  options.scope_label = "Ābeļu & <Ceriņu> \"novads\" 'ģ'\x01";
  const std::string svg =
      TrendChartSvg(Answer({10, -1}, {10, 12}, {5, 6}, {4, 5}), options);
  // UTF-8 as is; markup characters as entities; the control character
  // (which XML cannot carry at all) left out.
  EXPECT_THAT(svg, HasSubstr("Ābeļu &amp; &lt;Ceriņu&gt; &quot;novads&quot; "
                             "&apos;ģ&apos;"));
  EXPECT_THAT(svg, Not(HasSubstr("\x01")));
  const Element root = Parse(svg);
  EXPECT_EQ(All(root, "title")[0]->text,
            "Programmas rādītāju dinamika: Ābeļu & <Ceriņu> \"novads\" "
            "'ģ', 2023/24-1 – 2023/24-2");
  const std::string text = AllText(root);
  for (const char* label :
       {"Atbalstītie izglītojamie un plāni pa semestriem",
        "Plānotās un sniegtās stundas", "atbalstītie izglītojamie", "plāni",
        "plānotās stundas", "sniegtās stundas", "semestris", "neizpaužams",
        "Pārtraukums pelēkā joslā ir neizpaužams skaitlis"}) {
    EXPECT_THAT(text, HasSubstr(label));
  }
}

TEST(StatsChartTest, ScopeFromTheAnswerWhenNoLabel) {
  v1::ProgrammeIndicators in = Answer({10}, {10}, {5}, {5});
  in.mutable_scope()->set_institution("institutions/abc");
  EXPECT_THAT(All(Parse(TrendChartSvg(in)), "title")[0]->text,
              HasSubstr("Programme trend: institutions/abc, 2023/24-1"));
  TrendChartOptions lv;
  lv.language = "lv";
  EXPECT_THAT(
      All(Parse(TrendChartSvg(Answer({10}, {10}, {5}, {5}), lv)), "title")[0]
          ->text,
      HasSubstr(": valsts, 2023/24-1"));
}

TEST(StatsChartTest, ManySemestersAndNoneAreWellFormed) {
  std::vector<double> values;
  for (int i = 0; i < 16; ++i) values.push_back(i % 3 == 0 ? -1 : 100 + i);
  const Element many =
      Parse(TrendChartSvg(Answer(values, values, values, values)));
  EXPECT_EQ(SeriesPoints(many, "series-pupils").size(), 10u);
  const Element none = Parse(TrendChartSvg(v1::ProgrammeIndicators()));
  EXPECT_EQ(none.name, "svg");
  EXPECT_THAT(AllText(none), HasSubstr("No semesters to show."));
}

TEST(StatsChartTest, XmlEscape) {
  EXPECT_EQ(XmlEscape("a&b<c>d\"e'f"), "a&amp;b&lt;c&gt;d&quot;e&apos;f");
  EXPECT_EQ(XmlEscape("ā\tb\nc\rd\x02\x1f"), "ā\tb\nc\rd");
  EXPECT_EQ(XmlEscape(""), "");
}

// The reader itself must reject what it is there to catch.
TEST(StatsChartTest, ReaderRejectsMalformedXml) {
  for (const char* bad :
       {"<svg><g></svg>", "<svg>a & b</svg>", "<svg a=b/>",
        "<svg a=\"1\" a=\"2\"/>", "<svg>x</svg><svg/>", "<svg a=\"<\"/>",
        "<svg>\xC4</svg>", "<svg>&nbsp;</svg>"}) {
    Element root;
    XmlReader reader(bad);
    EXPECT_FALSE(reader.Read(&root)) << bad;
  }
  Element root;
  XmlReader reader(
      "<?xml version=\"1.0\"?>\n<svg a='1'><g>&amp;&#x41;</g></svg>\n");
  EXPECT_TRUE(reader.Read(&root)) << reader.error();
}

}  // namespace
}  // namespace pumpurs::cli
