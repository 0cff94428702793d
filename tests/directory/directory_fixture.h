#ifndef PUMPURS_TESTS_DIRECTORY_DIRECTORY_FIXTURE_H_
#define PUMPURS_TESTS_DIRECTORY_DIRECTORY_FIXTURE_H_

// A product-schema database on a temporary file, and helpers that run the
// directory's functions in real executor transactions (WriteSync/ReadSync),
// as the RPC layer does.

#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/common/call_context.h"
#include "server/common/etag.h"
#include "server/common/log.h"
#include "server/common/status_macros.h"
#include "server/directory/directory.h"
#include "server/storage/database.h"
#include "tests/testing/database_fixture.h"
#include "tests/testing/status_matchers.h"

namespace pumpurs {

// Readable failure messages for violations (gtest finds this by ADL).
inline void PrintTo(const FieldViolation& v, std::ostream* os) {
  *os << "{" << v.field << ": " << v.description << "}";
}

namespace directory {

inline CallContext Caller(const std::string& id) {
  CallContext call;
  call.caller_id = id;
  return call;
}

class DirectoryTest : public ::pumpurs::testing::DatabaseTest {
 protected:
  // Municipalities.
  absl::StatusOr<Municipality> CreateM(const std::string& display_name,
                                       const std::string& code,
                                       const std::string& request_id = "",
                                       const std::string& caller = "alice") {
    Municipality m;
    m.display_name = display_name;
    m.code = code;
    CallContext call = Caller(caller);
    return Write<Municipality>(
        [&](storage::Connection& c) {
          return CreateMunicipality(c, call, m, request_id);
        },
        call);
  }
  Municipality MustCreateM(const std::string& display_name) {
    absl::StatusOr<Municipality> m = CreateM(display_name, NextCode());
    EXPECT_THAT(m, ::pumpurs::testing::IsOk());
    return m.ok() ? *m : Municipality{};
  }
  absl::StatusOr<Municipality> GetM(const std::string& id) {
    return Read<Municipality>(
        [&](storage::Connection& c) { return GetMunicipality(c, id); });
  }
  absl::StatusOr<Municipality> UpdateM(const std::string& id,
                                       const MunicipalityChanges& changes,
                                       const std::string& etag = "") {
    return Write<Municipality>([&](storage::Connection& c) {
      return UpdateMunicipality(c, id, changes, etag);
    });
  }
  absl::StatusOr<Page<Municipality>> ListM(int page_size,
                                           const std::string& token = "") {
    ListRequest req;
    req.page_size = page_size;
    req.page_token = token;
    return Read<Page<Municipality>>(
        [&](storage::Connection& c) { return ListMunicipalities(c, req); });
  }

  // Institutions.
  Institution School(const std::string& municipality_id,
                     const std::string& display_name,
                     const std::string& number = "") {
    Institution i;
    i.display_name = display_name;
    i.kind = InstitutionKind::kMunicipalGeneralSchool;
    i.municipality_id = municipality_id;
    i.registration_number = number.empty() ? NextNumber() : number;
    return i;
  }
  absl::StatusOr<Institution> CreateI(const Institution& inst,
                                      const std::string& request_id = "",
                                      const std::string& caller = "alice") {
    CallContext call = Caller(caller);
    return Write<Institution>(
        [&](storage::Connection& c) {
          return CreateInstitution(c, call, inst, request_id);
        },
        call);
  }
  Institution MustCreateI(const Institution& inst) {
    absl::StatusOr<Institution> i = CreateI(inst);
    EXPECT_THAT(i, ::pumpurs::testing::IsOk());
    return i.ok() ? *i : Institution{};
  }
  absl::StatusOr<Institution> GetI(const std::string& id) {
    return Read<Institution>(
        [&](storage::Connection& c) { return GetInstitution(c, id); });
  }
  absl::StatusOr<Institution> UpdateI(const std::string& id,
                                      const InstitutionChanges& changes,
                                      const std::string& etag = "") {
    return Write<Institution>([&](storage::Connection& c) {
      return UpdateInstitution(c, id, changes, etag);
    });
  }
  absl::Status DeleteI(const std::string& id, const std::string& etag = "") {
    return db_->WriteSync(CallContext{}, [&](storage::Connection& c) {
      return DeleteInstitution(c, id, etag);
    });
  }
  absl::StatusOr<Page<Institution>> ListI(const InstitutionFilter& filter,
                                          int page_size,
                                          const std::string& token = "") {
    ListRequest req;
    req.page_size = page_size;
    req.page_token = token;
    return Read<Page<Institution>>([&](storage::Connection& c) {
      return ListInstitutions(c, filter, req);
    });
  }

  int64_t CountRows(const std::string& table) {
    absl::StatusOr<int64_t> n = Read<int64_t>([&](storage::Connection& c) {
      return c.QueryInt(absl::StrCat("SELECT count(*) FROM ", table));
    });
    EXPECT_THAT(n, ::pumpurs::testing::IsOk());
    return n.ok() ? *n : -1;
  }

  // Fresh valid codes and registration numbers.
  std::string NextCode() { return absl::StrFormat("%07d", ++codes_); }
  std::string NextNumber() { return absl::StrFormat("40%08d", ++numbers_); }

  int codes_ = 100000;
  int numbers_ = 0;
};

// Times are stored (and sent) as Unix microseconds; compare them so.
inline int64_t Micros(absl::Time t) { return absl::ToUnixMicros(t); }

// Display names of a page, in order.
template <typename T>
std::vector<std::string> Names(const std::vector<T>& items) {
  std::vector<std::string> out;
  for (const T& item : items) out.push_back(item.display_name);
  return out;
}

}  // namespace directory
}  // namespace pumpurs

#endif  // PUMPURS_TESTS_DIRECTORY_DIRECTORY_FIXTURE_H_
