#ifndef PUMPURS_SERVER_COMMON_PAGE_H_
#define PUMPURS_SERVER_COMMON_PAGE_H_

#include <string>
#include <vector>

namespace pumpurs {

// One page of a list and the token of the next ("" on the last).
template <typename T>
struct ListPage {
  std::vector<T> items;
  std::string next_page_token;
};

}  // namespace pumpurs

#endif  // PUMPURS_SERVER_COMMON_PAGE_H_
