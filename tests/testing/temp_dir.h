#ifndef PUMPURS_TESTS_TESTING_TEMP_DIR_H_
#define PUMPURS_TESTS_TESTING_TEMP_DIR_H_

#include <string>

namespace pumpurs::testing {

// A fresh directory under $TEST_TMPDIR or /tmp, removed with its contents
// when the object dies. Each test gets its own database file in one.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  // path()/name
  std::string File(const std::string& name) const;

 private:
  std::string path_;
};

}  // namespace pumpurs::testing

#endif  // PUMPURS_TESTS_TESTING_TEMP_DIR_H_
