#ifndef PUMPURS_CLI_TABLE_H_
#define PUMPURS_CLI_TABLE_H_

#include <cstddef>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace pumpurs::cli {

// The number of terminal columns `utf8` takes, counted as code points (good
// enough for Latvian text: no wide or combining characters).
size_t DisplayWidth(absl::string_view utf8);

// A plain-text table: a header row, then one line per row, each column as
// wide as its widest cell, two spaces apart. Cells must not hold newlines.
class Table {
 public:
  explicit Table(std::vector<std::string> header);

  // Missing cells print empty; extra cells are dropped.
  void AddRow(std::vector<std::string> row);
  size_t rows() const { return rows_.size(); }

  // The whole table, every line ending in '\n' and without trailing
  // spaces.
  std::string Render() const;

 private:
  std::vector<std::string> header_;
  std::vector<std::vector<std::string>> rows_;
};

}  // namespace pumpurs::cli

#endif  // PUMPURS_CLI_TABLE_H_
