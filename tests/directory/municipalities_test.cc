// Municipalities: create/get/list/update rules, validation field names,
// code uniqueness, etags, request_id idempotency per caller, and keyset
// paging in Latvian order.

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/common/paging.h"
#include "tests/directory/directory_fixture.h"

namespace pumpurs::directory {
namespace {

using ::pumpurs::testing::HasReason;
using ::pumpurs::testing::IsOk;
using ::pumpurs::testing::StatusIs;
using ::pumpurs::testing::ViolatedFields;
using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::MatchesRegex;
using ::testing::UnorderedElementsAre;

class MunicipalityTest : public DirectoryTest {
 protected:
  // Pages through everything with `page_size`, collecting display names.
  std::vector<std::string> AllPages(int page_size, int* pages) {
    std::vector<std::string> out;
    std::string token;
    *pages = 0;
    do {
      absl::StatusOr<Page<Municipality>> page = ListM(page_size, token);
      EXPECT_THAT(page, IsOk());
      if (!page.ok()) break;
      ++*pages;
      EXPECT_LE(static_cast<int>(page->items.size()), page_size);
      for (const auto& m : page->items) out.push_back(m.display_name);
      token = page->next_page_token;
    } while (!token.empty() && *pages < 1000);
    return out;
  }
};

std::string Repeat(const std::string& s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

TEST_F(MunicipalityTest, CreateThenGet) {
  absl::Time before = absl::Now();
  absl::StatusOr<Municipality> m = CreateM("Rēzeknes novads", "0780200");
  absl::Time after = absl::Now();
  ASSERT_THAT(m, IsOk());
  EXPECT_THAT(m->id, MatchesRegex("[a-z2-7]{16}"));
  EXPECT_EQ(m->display_name, "Rēzeknes novads");
  EXPECT_EQ(m->code, "0780200");
  EXPECT_EQ(m->version, 1);
  EXPECT_EQ(m->create_time, m->update_time);
  EXPECT_GE(m->create_time, before - absl::Milliseconds(1));
  EXPECT_LE(m->create_time, after + absl::Milliseconds(1));

  absl::StatusOr<Municipality> got = GetM(m->id);
  ASSERT_THAT(got, IsOk());
  EXPECT_EQ(got->id, m->id);
  EXPECT_EQ(got->display_name, m->display_name);
  EXPECT_EQ(got->code, m->code);
  EXPECT_EQ(got->version, 1);
  EXPECT_EQ(Micros(got->create_time), Micros(m->create_time));
  EXPECT_EQ(Micros(got->update_time), Micros(m->update_time));
}

TEST_F(MunicipalityTest, CreateChoosesIdAndVersion) {
  Municipality in;
  in.id = "chosen";
  in.version = 7;
  in.display_name = "Ogres novads";
  in.code = "0740001";
  absl::StatusOr<Municipality> m =
      Write<Municipality>([&](storage::Connection& c) {
        return CreateMunicipality(c, CallContext{}, in, "");
      });
  ASSERT_THAT(m, IsOk());
  EXPECT_NE(m->id, "chosen");
  EXPECT_EQ(m->version, 1);
  EXPECT_THAT(GetM("chosen"), StatusIs(absl::StatusCode::kNotFound));
}

TEST_F(MunicipalityTest, EveryBadFieldIsNamedAndNothingStored) {
  absl::StatusOr<Municipality> m = CreateM("", "12", "bad request id");
  EXPECT_THAT(m, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(m, HasReason("INVALID_ARGUMENT"));
  EXPECT_THAT(ViolatedFields(m.status()),
              UnorderedElementsAre("municipality.display_name",
                                   "municipality.code", "request_id"));
  EXPECT_EQ(CountRows("municipalities"), 0);
  EXPECT_EQ(CountRows("request_ids"), 0);
}

TEST_F(MunicipalityTest, DisplayNameRules) {
  EXPECT_THAT(CreateM(Repeat("Ģ", 200), NextCode()), IsOk());
  for (const std::string& bad :
       {std::string("   "), Repeat("Ģ", 201), std::string("Rīga\nRīga"),
        std::string("Rīga\xC2\x85"), std::string("R\xC4")}) {
    SCOPED_TRACE(bad);
    absl::StatusOr<Municipality> m = CreateM(bad, NextCode());
    EXPECT_THAT(m, StatusIs(absl::StatusCode::kInvalidArgument));
    EXPECT_THAT(ViolatedFields(m.status()),
                ElementsAre("municipality.display_name"));
  }
  EXPECT_EQ(CountRows("municipalities"), 1);
}

TEST_F(MunicipalityTest, CodeIsSevenDigits) {
  for (const std::string& bad :
       {std::string(""), std::string("123456"), std::string("12345678"),
        std::string("12345a7"), std::string(" 123456")}) {
    SCOPED_TRACE(bad);
    absl::StatusOr<Municipality> m = CreateM("Talsu novads", bad);
    EXPECT_THAT(m, StatusIs(absl::StatusCode::kInvalidArgument));
    EXPECT_THAT(ViolatedFields(m.status()), ElementsAre("municipality.code"));
  }
}

TEST_F(MunicipalityTest, CodeMustBeUnique) {
  ASSERT_THAT(CreateM("Cēsu novads", "0420201"), IsOk());
  absl::StatusOr<Municipality> again = CreateM("Citi Cēsis", "0420201");
  EXPECT_THAT(again, StatusIs(absl::StatusCode::kAlreadyExists));
  EXPECT_THAT(again, HasReason("MUNICIPALITY_CODE_TAKEN"));
  EXPECT_THAT(ViolatedFields(again.status()), ElementsAre("municipality.code"));
  EXPECT_EQ(CountRows("municipalities"), 1);
}

TEST_F(MunicipalityTest, GetUnknownIsNotFound) {
  absl::StatusOr<Municipality> m = GetM("nosuchid");
  EXPECT_THAT(m, StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(m, HasReason("RESOURCE_NOT_FOUND"));
  EXPECT_THAT(std::string(m.status().message()),
              HasSubstr("municipalities/nosuchid"));
}

TEST_F(MunicipalityTest, RequestIdReturnsTheFirstResource) {
  absl::StatusOr<Municipality> first =
      CreateM("Siguldas novads", "0801000", "req-1");
  ASSERT_THAT(first, IsOk());
  // A retry, even with another body, returns the first result unchanged.
  absl::StatusOr<Municipality> retry =
      CreateM("Siguldas novads", "0801000", "req-1");
  ASSERT_THAT(retry, IsOk());
  EXPECT_EQ(retry->id, first->id);
  absl::StatusOr<Municipality> other_body =
      CreateM("Cits nosaukums", "0801999", "req-1");
  ASSERT_THAT(other_body, IsOk());
  EXPECT_EQ(other_body->id, first->id);
  EXPECT_EQ(other_body->display_name, "Siguldas novads");
  EXPECT_EQ(CountRows("municipalities"), 1);
}

TEST_F(MunicipalityTest, RequestIdIsPerCaller) {
  absl::StatusOr<Municipality> alice =
      CreateM("Tukuma novads", "0900000", "same-id", "alice");
  ASSERT_THAT(alice, IsOk());
  absl::StatusOr<Municipality> bob =
      CreateM("Talsu novads", "0880000", "same-id", "bob");
  ASSERT_THAT(bob, IsOk());
  EXPECT_NE(bob->id, alice->id);
  EXPECT_EQ(bob->display_name, "Talsu novads");
  EXPECT_EQ(CountRows("municipalities"), 2);
  // Each caller's retry still finds its own.
  absl::StatusOr<Municipality> bob_retry =
      CreateM("Talsu novads", "0880000", "same-id", "bob");
  ASSERT_THAT(bob_retry, IsOk());
  EXPECT_EQ(bob_retry->id, bob->id);
}

TEST_F(MunicipalityTest, FailedCreateDoesNotRememberItsRequestId) {
  ASSERT_THAT(CreateM("Bauskas novads", "0400000"), IsOk());
  EXPECT_THAT(CreateM("Bauska", "0400000", "r-7"),
              StatusIs(absl::StatusCode::kAlreadyExists));
  EXPECT_EQ(CountRows("request_ids"), 0);
  absl::StatusOr<Municipality> fixed = CreateM("Bauska", "0400001", "r-7");
  ASSERT_THAT(fixed, IsOk());
  EXPECT_EQ(fixed->display_name, "Bauska");
  EXPECT_EQ(CountRows("municipalities"), 2);
}

TEST_F(MunicipalityTest, UpdateChangesOnlyGivenFields) {
  absl::StatusOr<Municipality> m = CreateM("Jelgavas novads", "0540200");
  ASSERT_THAT(m, IsOk());
  MunicipalityChanges changes;
  changes.display_name = "Jelgavas novads (jaunais)";
  absl::StatusOr<Municipality> updated = UpdateM(m->id, changes, EtagFor(1));
  ASSERT_THAT(updated, IsOk());
  EXPECT_EQ(updated->display_name, "Jelgavas novads (jaunais)");
  EXPECT_EQ(updated->code, "0540200");
  EXPECT_EQ(updated->version, 2);
  EXPECT_EQ(Micros(updated->create_time), Micros(m->create_time));
  EXPECT_GE(updated->update_time, m->update_time);

  absl::StatusOr<Municipality> got = GetM(m->id);
  ASSERT_THAT(got, IsOk());
  EXPECT_EQ(got->display_name, "Jelgavas novads (jaunais)");
  EXPECT_EQ(got->version, 2);
  EXPECT_EQ(Micros(got->update_time), Micros(updated->update_time));
  EXPECT_EQ(Micros(got->create_time), Micros(m->create_time));

  MunicipalityChanges code;
  code.code = "0540201";
  updated = UpdateM(m->id, code, EtagFor(2));
  ASSERT_THAT(updated, IsOk());
  EXPECT_EQ(updated->code, "0540201");
  EXPECT_EQ(updated->display_name, "Jelgavas novads (jaunais)");
  EXPECT_EQ(updated->version, 3);
}

TEST_F(MunicipalityTest, StaleEtagIsAbortedAndChangesNothing) {
  absl::StatusOr<Municipality> m = CreateM("Madonas novads", "0700000");
  ASSERT_THAT(m, IsOk());
  MunicipalityChanges changes;
  changes.display_name = "Pirmais";
  ASSERT_THAT(UpdateM(m->id, changes, EtagFor(1)), IsOk());
  changes.display_name = "Otrais";
  absl::StatusOr<Municipality> stale = UpdateM(m->id, changes, EtagFor(1));
  EXPECT_THAT(stale, StatusIs(absl::StatusCode::kAborted));
  EXPECT_THAT(stale, HasReason("ETAG_MISMATCH"));
  EXPECT_THAT(UpdateM(m->id, changes, "garbage"),
              StatusIs(absl::StatusCode::kAborted));
  absl::StatusOr<Municipality> got = GetM(m->id);
  ASSERT_THAT(got, IsOk());
  EXPECT_EQ(got->display_name, "Pirmais");
  EXPECT_EQ(got->version, 2);
  // No etag: unconditional.
  absl::StatusOr<Municipality> forced = UpdateM(m->id, changes);
  ASSERT_THAT(forced, IsOk());
  EXPECT_EQ(forced->display_name, "Otrais");
  EXPECT_EQ(forced->version, 3);
}

TEST_F(MunicipalityTest, UpdateKeepsCodeUnique) {
  absl::StatusOr<Municipality> a = CreateM("Alūksnes novads", "0360200");
  absl::StatusOr<Municipality> b = CreateM("Balvu novads", "0380200");
  ASSERT_THAT(a, IsOk());
  ASSERT_THAT(b, IsOk());
  MunicipalityChanges take;
  take.code = "0360200";
  absl::StatusOr<Municipality> taken = UpdateM(b->id, take);
  EXPECT_THAT(taken, StatusIs(absl::StatusCode::kAlreadyExists));
  EXPECT_THAT(taken, HasReason("MUNICIPALITY_CODE_TAKEN"));
  EXPECT_EQ(GetM(b->id)->code, "0380200");
  // Its own code is not "taken".
  MunicipalityChanges same;
  same.code = "0380200";
  same.display_name = "Balvu novads!";
  EXPECT_THAT(UpdateM(b->id, same), IsOk());
}

TEST_F(MunicipalityTest, UpdateValidates) {
  absl::StatusOr<Municipality> m = CreateM("Ludzas novads", "0680200");
  ASSERT_THAT(m, IsOk());
  MunicipalityChanges bad;
  bad.display_name = " ";
  bad.code = "x";
  absl::StatusOr<Municipality> u = UpdateM(m->id, bad);
  EXPECT_THAT(u, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(
      ViolatedFields(u.status()),
      UnorderedElementsAre("municipality.display_name", "municipality.code"));
  absl::StatusOr<Municipality> got = GetM(m->id);
  EXPECT_EQ(got->display_name, "Ludzas novads");
  EXPECT_EQ(got->version, 1);
}

TEST_F(MunicipalityTest, UpdateUnknownIsNotFound) {
  MunicipalityChanges changes;
  changes.display_name = "X";
  EXPECT_THAT(UpdateM("nosuchid", changes),
              StatusIs(absl::StatusCode::kNotFound));
}

TEST_F(MunicipalityTest, EmptyList) {
  absl::StatusOr<Page<Municipality>> page = ListM(0);
  ASSERT_THAT(page, IsOk());
  EXPECT_THAT(page->items, IsEmpty());
  EXPECT_EQ(page->next_page_token, "");
}

TEST_F(MunicipalityTest, ListsInLatvianOrder) {
  for (const char* name : {"Žagari", "Cēsis", "Auce", "Čiekurkalns", "Ābeļi",
                           "Saldus", "Šķēde", "Dobele", "Zilupe", "Talsi"}) {
    MustCreateM(name);
  }
  absl::StatusOr<Page<Municipality>> page = ListM(0);
  ASSERT_THAT(page, IsOk());
  EXPECT_THAT(Names(page->items),
              ElementsAre("Ābeļi", "Auce", "Cēsis", "Čiekurkalns", "Dobele",
                          "Saldus", "Šķēde", "Talsi", "Zilupe", "Žagari"));
  EXPECT_EQ(page->next_page_token, "");
}

TEST_F(MunicipalityTest, RenameMovesInTheList) {
  Municipality a = MustCreateM("Aaa");
  MustCreateM("Bbb");
  MunicipalityChanges changes;
  changes.display_name = "Ččč";
  ASSERT_THAT(UpdateM(a.id, changes), IsOk());
  EXPECT_THAT(Names(ListM(0)->items), ElementsAre("Bbb", "Ččč"));
}

TEST_F(MunicipalityTest, PagesThroughEverythingOnce) {
  std::vector<std::string> names;
  for (int i = 0; i < 23; ++i) {
    names.push_back(absl::StrFormat("Pagasts %02d", i));
  }
  std::vector<std::string> shuffled = names;
  std::reverse(shuffled.begin(), shuffled.end());
  for (const auto& n : shuffled) MustCreateM(n);
  int pages = 0;
  EXPECT_THAT(AllPages(5, &pages), ElementsAreArray(names));
  EXPECT_EQ(pages, 5);
  EXPECT_THAT(AllPages(23, &pages), ElementsAreArray(names));
  EXPECT_EQ(pages, 1);  // an exactly full page has no next token
  EXPECT_THAT(AllPages(1, &pages), ElementsAreArray(names));
  EXPECT_EQ(pages, 23);
}

TEST_F(MunicipalityTest, EqualNamesPageByIdWithoutLossOrRepeat) {
  std::set<std::string> ids;
  for (int i = 0; i < 7; ++i) ids.insert(MustCreateM("Vienāds").id);
  std::set<std::string> seen;
  std::string token;
  int pages = 0;
  do {
    absl::StatusOr<Page<Municipality>> page = ListM(2, token);
    ASSERT_THAT(page, IsOk());
    for (const auto& m : page->items) {
      EXPECT_TRUE(seen.insert(m.id).second) << "repeated " << m.id;
    }
    token = page->next_page_token;
    ++pages;
  } while (!token.empty() && pages < 100);
  EXPECT_EQ(seen, ids);
  EXPECT_EQ(pages, 4);
}

TEST_F(MunicipalityTest, KeysetPagingIsStableUnderInserts) {
  for (int i = 1; i <= 12; ++i) MustCreateM(absl::StrFormat("N%02d", i));
  absl::StatusOr<Page<Municipality>> p1 = ListM(4);
  ASSERT_THAT(p1, IsOk());
  EXPECT_THAT(Names(p1->items), ElementsAre("N01", "N02", "N03", "N04"));

  // Rows inserted before the cursor are not seen; rows after it are, in
  // place; nothing already listed comes back and nothing is skipped.
  MustCreateM("N00");
  MustCreateM("N02a");
  MustCreateM("N05a");
  absl::StatusOr<Page<Municipality>> p2 = ListM(4, p1->next_page_token);
  ASSERT_THAT(p2, IsOk());
  EXPECT_THAT(Names(p2->items), ElementsAre("N05", "N05a", "N06", "N07"));

  MustCreateM("N99");
  MustCreateM("N06a");
  absl::StatusOr<Page<Municipality>> p3 = ListM(4, p2->next_page_token);
  ASSERT_THAT(p3, IsOk());
  EXPECT_THAT(Names(p3->items), ElementsAre("N08", "N09", "N10", "N11"));
  absl::StatusOr<Page<Municipality>> p4 = ListM(4, p3->next_page_token);
  ASSERT_THAT(p4, IsOk());
  EXPECT_THAT(Names(p4->items), ElementsAre("N12", "N99"));
  EXPECT_EQ(p4->next_page_token, "");
}

TEST_F(MunicipalityTest, PageSizeDefaultAndCap) {
  ASSERT_THAT(Write<int>([&](storage::Connection& c) -> absl::StatusOr<int> {
                for (int i = 0; i < 55; ++i) {
                  Municipality m;
                  m.display_name = absl::StrFormat("M%02d", i);
                  m.code = absl::StrFormat("%07d", i);
                  PUMPURS_RETURN_IF_ERROR(
                      CreateMunicipality(c, CallContext{}, m, "").status());
                }
                return 0;
              }),
              IsOk());
  absl::StatusOr<Page<Municipality>> page = ListM(0);
  ASSERT_THAT(page, IsOk());
  EXPECT_EQ(page->items.size(), 50u);
  EXPECT_NE(page->next_page_token, "");
  page = ListM(1000000);
  ASSERT_THAT(page, IsOk());
  EXPECT_EQ(page->items.size(), 55u);
  EXPECT_EQ(page->next_page_token, "");
  absl::StatusOr<Page<Municipality>> negative = ListM(-1);
  EXPECT_THAT(negative, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ViolatedFields(negative.status()), ElementsAre("page_size"));
}

TEST_F(MunicipalityTest, ForeignOrBrokenTokensAreRefused) {
  for (int i = 0; i < 3; ++i) MustCreateM(absl::StrFormat("T%d", i));
  absl::StatusOr<Page<Municipality>> p1 = ListM(1);
  ASSERT_THAT(p1, IsOk());
  ASSERT_NE(p1->next_page_token, "");
  const std::vector<std::string> bad = {
      "garbage!",
      p1->next_page_token.substr(0, p1->next_page_token.size() - 3),
      EncodePageToken("ListInstitutions||0", {"k", "id"}),
      EncodePageToken("ListMunicipalities", {"only-one-part"}),
  };
  for (const std::string& token : bad) {
    SCOPED_TRACE(token);
    absl::StatusOr<Page<Municipality>> page = ListM(1, token);
    EXPECT_THAT(page, StatusIs(absl::StatusCode::kInvalidArgument));
    EXPECT_THAT(page, HasReason("INVALID_PAGE_TOKEN"));
    EXPECT_THAT(ViolatedFields(page.status()), ElementsAre("page_token"));
  }
}

}  // namespace
}  // namespace pumpurs::directory
