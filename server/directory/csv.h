#ifndef PUMPURS_SERVER_DIRECTORY_CSV_H_
#define PUMPURS_SERVER_DIRECTORY_CSV_H_

// A small CSV reader for the files school systems export: UTF-8 with an
// optional BOM, ";" or "," between fields (whichever the header line has
// more of), fields optionally in double quotes with "" for a quote inside
// and delimiters or line breaks allowed inside, lines ending in LF, CRLF or
// CR. It reports the line each record starts on, so errors can point at
// the file as an editor shows it.

#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace pumpurs::directory {

struct CsvRecord {
  // 1-based line of the file where the record starts.
  int line = 0;
  std::vector<std::string> fields;
  // Non-empty if the record is malformed (why, in English); `fields` then
  // hold what could be read.
  std::string error;
};

class CsvReader {
 public:
  // Borrows `data` for the reader's life. Skips a UTF-8 byte order mark
  // and detects the delimiter from the first line.
  explicit CsvReader(absl::string_view data);

  char delimiter() const { return delimiter_; }

  // Reads the next record into `record`, skipping empty lines; false at
  // the end of the data. Validates no encoding: fields are bytes.
  bool Next(CsvRecord& record);

 private:
  absl::string_view data_;
  size_t pos_ = 0;
  int line_ = 1;
  char delimiter_ = ',';
};

}  // namespace pumpurs::directory

#endif  // PUMPURS_SERVER_DIRECTORY_CSV_H_
