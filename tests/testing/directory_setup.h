#ifndef PUMPURS_TESTS_TESTING_DIRECTORY_SETUP_H_
#define PUMPURS_TESTS_TESTING_DIRECTORY_SETUP_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "pumpurs/v1/directory.pb.h"
#include "tests/testing/test_server.h"

namespace pumpurs::testing {

// The directory records that tests of other services start from, created
// over the wire through server.directory() with whatever token its channel
// carries (one that may write them, e.g. UseToken(AdminToken()) first).
// Each returns the new resource's name, or the server's refusal with its
// reason and field violations.

absl::StatusOr<std::string> CreateMunicipality(TestServer& server,
                                               const std::string& display_name,
                                               const std::string& code);

absl::StatusOr<std::string> CreateInstitution(
    TestServer& server, const std::string& municipality,
    const std::string& display_name, const std::string& registration_number,
    pumpurs::v1::InstitutionKind kind =
        pumpurs::v1::INSTITUTION_KIND_MUNICIPAL_GENERAL_SCHOOL);

// A pupil of `institution` in `grade`, class "<grade>.a".
absl::StatusOr<std::string> CreatePupil(TestServer& server,
                                        const std::string& institution,
                                        const std::string& given_name,
                                        const std::string& family_name,
                                        int grade,
                                        const std::string& birth_date);
// `pupil` as it is (its institution included).
absl::StatusOr<std::string> CreatePupil(TestServer& server,
                                        const pumpurs::v1::Pupil& pupil);

// A guardian of `pupils` (their names).
absl::StatusOr<std::string> CreateGuardian(
    TestServer& server, const std::vector<std::string>& pupils,
    const std::string& given_name, const std::string& family_name);

}  // namespace pumpurs::testing

#endif  // PUMPURS_TESTS_TESTING_DIRECTORY_SETUP_H_
