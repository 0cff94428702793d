#include "server/directory/csv.h"

#include "absl/strings/match.h"

namespace pumpurs::directory {
namespace {

constexpr absl::string_view kBom = "\xEF\xBB\xBF";

// ';' if the first line (outside quotes) has more semicolons than commas.
char DetectDelimiter(absl::string_view data) {
  int semicolons = 0;
  int commas = 0;
  bool quoted = false;
  for (char c : data) {
    if (c == '"') {
      quoted = !quoted;  // "" toggles twice: no harm
    } else if (!quoted) {
      if (c == '\n' || c == '\r') break;
      if (c == ';') ++semicolons;
      if (c == ',') ++commas;
    }
  }
  return semicolons > commas ? ';' : ',';
}

}  // namespace

CsvReader::CsvReader(absl::string_view data) : data_(data) {
  if (absl::StartsWith(data_, kBom)) data_.remove_prefix(kBom.size());
  delimiter_ = DetectDelimiter(data_);
}

bool CsvReader::Next(CsvRecord& record) {
  while (pos_ < data_.size()) {
    record.line = line_;
    record.fields.clear();
    record.error.clear();
    std::string field;
    bool in_quotes = false;
    bool after_quote = false;  // a quoted field just closed
    bool any_quote = false;    // the record had a quoted field
    bool end_of_record = false;
    while (!end_of_record) {
      if (pos_ >= data_.size()) {
        if (in_quotes && record.error.empty()) {
          record.error = "a quoted field is not closed";
        }
        break;
      }
      const char c = data_[pos_];
      if (in_quotes) {
        if (c == '"') {
          if (pos_ + 1 < data_.size() && data_[pos_ + 1] == '"') {
            field.push_back('"');
            pos_ += 2;
          } else {
            in_quotes = false;
            after_quote = true;
            ++pos_;
          }
          continue;
        }
        // A line break inside quotes is part of the field, but still a
        // line of the file.
        if (c == '\n' || (c == '\r' && (pos_ + 1 >= data_.size() ||
                                        data_[pos_ + 1] != '\n'))) {
          ++line_;
        }
        field.push_back(c);
        ++pos_;
        continue;
      }
      if (c == delimiter_) {
        record.fields.push_back(std::move(field));
        field.clear();
        after_quote = false;
        ++pos_;
        continue;
      }
      if (c == '\n' || c == '\r') {
        pos_ +=
            (c == '\r' && pos_ + 1 < data_.size() && data_[pos_ + 1] == '\n')
                ? 2
                : 1;
        ++line_;
        end_of_record = true;
        continue;
      }
      if (c == '"' && field.empty() && !after_quote) {
        in_quotes = true;
        any_quote = true;
        ++pos_;
        continue;
      }
      if (after_quote && (c == ' ' || c == '\t')) {
        ++pos_;  // spaces between a closing quote and the delimiter
        continue;
      }
      if (after_quote && record.error.empty()) {
        record.error = "text follows a closing quote";
      }
      // A quote inside an unquoted field is taken as it is, as most
      // spreadsheet programs do.
      field.push_back(c);
      ++pos_;
    }
    record.fields.push_back(std::move(field));
    const bool blank = record.fields.size() == 1 && record.fields[0].empty() &&
                       !any_quote && record.error.empty();
    if (!blank) return true;
  }
  return false;
}

}  // namespace pumpurs::directory
