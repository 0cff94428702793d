#ifndef PUMPURS_SERVER_COMMON_STATUS_MACROS_H_
#define PUMPURS_SERVER_COMMON_STATUS_MACROS_H_

// abseil 20220623 ships no status macros; these are the project's only ones.

#include "absl/status/status.h"
#include "absl/status/statusor.h"

// Returns from the enclosing function if `expr` (an absl::Status) is not OK.
#define PUMPURS_RETURN_IF_ERROR(expr)                  \
  do {                                                 \
    ::absl::Status pumpurs_status_ = (expr);           \
    if (!pumpurs_status_.ok()) return pumpurs_status_; \
  } while (false)

#define PUMPURS_STATUS_CONCAT_INNER_(a, b) a##b
#define PUMPURS_STATUS_CONCAT_(a, b) PUMPURS_STATUS_CONCAT_INNER_(a, b)

// `PUMPURS_ASSIGN_OR_RETURN(auto x, Foo());` declares/assigns `x` from an
// absl::StatusOr, or returns its status from the enclosing function.
#define PUMPURS_ASSIGN_OR_RETURN(lhs, expr) \
  PUMPURS_ASSIGN_OR_RETURN_IMPL_(           \
      PUMPURS_STATUS_CONCAT_(pumpurs_statusor_, __LINE__), lhs, expr)

// `statusor` is a declarator and `lhs` a declaration, so neither can be
// parenthesized.
// NOLINTBEGIN(bugprone-macro-parentheses)
#define PUMPURS_ASSIGN_OR_RETURN_IMPL_(statusor, lhs, expr) \
  auto statusor = (expr);                                   \
  if (!statusor.ok()) return std::move(statusor).status();  \
  lhs = *std::move(statusor)
// NOLINTEND(bugprone-macro-parentheses)

#endif  // PUMPURS_SERVER_COMMON_STATUS_MACROS_H_
