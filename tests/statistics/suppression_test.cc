// Small-cell suppression (server/statistics/suppression.h) on its own: the
// primary rule (1 to 4 hidden, 0 and 5 or more shown), the complement
// within a table and across sibling units, forced rows, the fixed point,
// and on random grids that no hidden cell is ever alone in a constraint or
// among its siblings (so no subtraction recovers it).

#include "server/statistics/suppression.h"

#include <algorithm>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace pumpurs::statistics {
namespace {

TEST(SuppressionTest, HidesOneToFourPupilsAndShowsZeroAndFiveOrMore) {
  SuppressionGrid grid(1);
  for (int n : {0, 1, 2, 3, 4, 5, 6, 100}) {
    grid.Set(absl::StrCat("n", n), 0, n);
  }
  grid.Run();
  for (int n : {0, 5, 6, 100}) {
    EXPECT_FALSE(grid.Suppressed(absl::StrCat("n", n), 0)) << n;
  }
  for (int n : {1, 2, 3, 4}) {
    EXPECT_TRUE(grid.Suppressed(absl::StrCat("n", n), 0)) << n;
  }
  // A row nobody set counts as 0.
  EXPECT_FALSE(grid.Suppressed("never set", 0));
}

TEST(SuppressionTest, OneHiddenPartHidesTheSmallestOtherNonZeroPart) {
  SuppressionGrid grid(1);
  grid.Set("total", 0, 40);
  grid.Set("a", 0, 3);  // primary
  grid.Set("b", 0, 0);  // zero: never the complement
  grid.Set("c", 0, 9);  // the smallest other non-zero part
  grid.Set("d", 0, 12);
  grid.Set("e", 0, 16);
  grid.AddConstraint("total", {"a", "b", "c", "d", "e"});
  grid.Run();
  EXPECT_TRUE(grid.Suppressed("a", 0));
  EXPECT_TRUE(grid.Suppressed("c", 0));
  EXPECT_FALSE(grid.Suppressed("b", 0));
  EXPECT_FALSE(grid.Suppressed("d", 0));
  EXPECT_FALSE(grid.Suppressed("e", 0));
  EXPECT_FALSE(grid.Suppressed("total", 0));
}

TEST(SuppressionTest, TwoHiddenPartsNeedNoComplement) {
  SuppressionGrid grid(1);
  grid.Set("total", 0, 25);
  grid.Set("a", 0, 2);
  grid.Set("b", 0, 4);
  grid.Set("c", 0, 19);
  grid.AddConstraint("total", {"a", "b", "c"});
  grid.Run();
  EXPECT_TRUE(grid.Suppressed("a", 0));
  EXPECT_TRUE(grid.Suppressed("b", 0));
  EXPECT_FALSE(grid.Suppressed("c", 0));
  EXPECT_FALSE(grid.Suppressed("total", 0));
}

TEST(SuppressionTest, WithoutAnotherNonZeroPartTheTotalIsHidden) {
  // Parts may overlap or not cover the total (pupils without a risk of any
  // group): total 8, one part of 3, the others 0.
  SuppressionGrid grid(1);
  grid.Set("total", 0, 8);
  grid.Set("a", 0, 3);
  grid.Set("b", 0, 0);
  grid.AddConstraint("total", {"a", "b"});
  grid.Run();
  EXPECT_TRUE(grid.Suppressed("a", 0));
  EXPECT_TRUE(grid.Suppressed("total", 0));
  EXPECT_FALSE(grid.Suppressed("b", 0));
}

TEST(SuppressionTest, OneHiddenSiblingHidesTheSmallestOtherNonZeroSibling) {
  // Units 0-4 under unit 5, whose figure (their sum) is shown.
  SuppressionGrid grid(6);
  const std::vector<int64_t> pupils = {2, 0, 11, 7, 30};
  for (int u = 0; u < 5; ++u) grid.Set("row", u, pupils[u]);
  grid.Set("row", 5, 50);
  grid.AddUnitConstraint(5, {0, 1, 2, 3, 4});
  grid.Run();
  EXPECT_FALSE(grid.Suppressed("row", 5));
  EXPECT_TRUE(grid.Suppressed("row", 0));   // primary
  EXPECT_FALSE(grid.Suppressed("row", 1));  // zero
  EXPECT_FALSE(grid.Suppressed("row", 2));
  EXPECT_TRUE(grid.Suppressed("row", 3));  // the smallest other non-zero
  EXPECT_FALSE(grid.Suppressed("row", 4));
}

TEST(SuppressionTest, AHiddenParentNeedsAHiddenChild) {
  // The parent's cell is hidden by its own table (forced here); were all
  // its children shown, it would be their sum.
  SuppressionGrid grid(3);
  grid.Set("row", 0, 6);
  grid.Set("row", 1, 9);
  grid.Set("row", 2, 15);
  grid.Force("row", 2);
  grid.AddUnitConstraint(2, {0, 1});
  grid.Run();
  EXPECT_TRUE(grid.Suppressed("row", 2));
  EXPECT_TRUE(grid.Suppressed("row", 0));
  EXPECT_FALSE(grid.Suppressed("row", 1));
}

TEST(SuppressionTest, AnOnlyChildHiddenHidesItsParent) {
  SuppressionGrid grid(3);
  grid.Set("row", 0, 3);
  grid.Set("row", 1, 0);
  grid.Set("row", 2, 3);  // the parent: the same pupils
  grid.AddUnitConstraint(2, {0, 1});
  grid.Run();
  EXPECT_TRUE(grid.Suppressed("row", 0));
  EXPECT_TRUE(grid.Suppressed("row", 2));
}

TEST(SuppressionTest, UnitsWithoutAConstraintAreIndependent) {
  SuppressionGrid grid(2);
  grid.Set("row", 0, 3);
  grid.Set("row", 1, 9);
  grid.Run();
  EXPECT_TRUE(grid.Suppressed("row", 0));
  EXPECT_FALSE(grid.Suppressed("row", 1));
}

TEST(SuppressionTest, ASingleUnitHasNoSiblings) {
  SuppressionGrid grid(1);
  grid.Set("row", 0, 3);
  grid.Set("other", 0, 9);
  grid.Run();
  EXPECT_TRUE(grid.Suppressed("row", 0));
  EXPECT_FALSE(grid.Suppressed("other", 0));
}

TEST(SuppressionTest, ForcedRowsAreHiddenAndComplemented) {
  SuppressionGrid grid(1);
  grid.Set("total", 0, 60);
  grid.Set("a", 0, 20);  // forced: hidden although 20
  grid.Set("b", 0, 15);  // its complement
  grid.Set("c", 0, 25);
  grid.Set("lone", 0, 50);  // forced, in no constraint
  grid.AddConstraint("total", {"a", "b", "c"});
  grid.Force("a", 0);
  grid.Force("lone", 0);
  grid.Run();
  EXPECT_TRUE(grid.Suppressed("a", 0));
  EXPECT_TRUE(grid.Suppressed("b", 0));
  EXPECT_FALSE(grid.Suppressed("c", 0));
  EXPECT_FALSE(grid.Suppressed("total", 0));
  EXPECT_TRUE(grid.Suppressed("lone", 0));
}

// A complement in one constraint leaves a single hidden cell in another
// constraint, which is complemented in turn; the constraint that needs the
// second round comes first, so one pass is not enough.
TEST(SuppressionTest, ComplementsRunToAFixedPoint) {
  for (bool second_first : {true, false}) {
    SCOPED_TRACE(second_first);
    SuppressionGrid grid(1);
    grid.Set("P", 0, 8);
    grid.Set("a", 0, 2);
    grid.Set("b", 0, 6);
    grid.Set("Q", 0, 13);
    grid.Set("c", 0, 7);
    if (second_first) grid.AddConstraint("Q", {"b", "c"});
    grid.AddConstraint("P", {"a", "b"});
    if (!second_first) grid.AddConstraint("Q", {"b", "c"});
    grid.Run();
    EXPECT_TRUE(grid.Suppressed("a", 0));  // primary
    EXPECT_TRUE(grid.Suppressed("b", 0));  // complement of a in P
    EXPECT_TRUE(grid.Suppressed("c", 0));  // complement of b in Q
    EXPECT_FALSE(grid.Suppressed("P", 0));
    EXPECT_FALSE(grid.Suppressed("Q", 0));
  }
}

// Across units and tables: a sibling complement leaves a single hidden cell
// in the sibling's table, whose complement leaves a single hidden cell in
// another row of siblings, and so on until nothing changes.
TEST(SuppressionTest, SiblingAndTableComplementsFeedEachOther) {
  // Units 0-2 under unit 3 (their sums, shown).
  SuppressionGrid grid(4);
  const std::map<std::string, std::vector<int64_t>> pupils = {
      {"x", {3, 10, 0, 13}},
      {"y", {0, 6, 20, 26}},
      {"z", {0, 50, 8, 58}},
      {"T", {3, 66, 28, 97}},
  };
  for (const auto& [row, values] : pupils) {
    for (int u = 0; u < 4; ++u) grid.Set(row, u, values[u]);
  }
  grid.AddConstraint("T", {"x", "y", "z"});
  grid.AddUnitConstraint(3, {0, 1, 2});
  grid.Run();
  for (const char* row : {"x", "y", "z", "T"}) {
    EXPECT_FALSE(grid.Suppressed(row, 3)) << row;
  }
  // x and T of unit 0 (primary); x of unit 1 and T of unit 2 (siblings);
  // y of unit 1 and z of unit 2 (their tables); y of unit 2 and z of unit 1
  // (siblings again). T of unit 1 stays: its table has three hidden parts.
  const std::map<std::string, std::vector<bool>> hidden = {
      {"x", {true, true, false}},
      {"y", {false, true, true}},
      {"z", {false, true, true}},
      {"T", {true, false, true}},
  };
  for (const auto& [row, flags] : hidden) {
    for (int u = 0; u < 3; ++u) {
      EXPECT_EQ(grid.Suppressed(row, u), flags[u]) << row << "@" << u;
    }
  }
}

// Random grids shaped like the reports: a total over groups, each group a
// total over factors (parts may overlap: a total is at least its largest
// part and at most their sum), some units, some forced cells. After Run,
// every cell of 1 to 4 and every forced cell is hidden, and no constraint
// or row of siblings holds exactly one hidden non-zero cell unless it holds
// only one non-zero cell at all.
TEST(SuppressionTest, RandomGridsNeverLeaveASingleHiddenCell) {
  std::mt19937 rng(20260701);
  int grids = 0, hidden_cells = 0, complements_needed = 0;
  for (int round = 0; round < 400; ++round) {
    // Children 0 .. units - 1 under a parent (unit `units`) holding their
    // sums.
    const int units = 1 + static_cast<int>(rng() % 6);
    const int parent = units;
    const int groups = 1 + static_cast<int>(rng() % 4);
    SuppressionGrid grid(units + 1);
    // (total, parts)
    std::vector<std::pair<std::string, std::vector<std::string>>> tables;
    std::vector<std::string> rows = {"P"};
    std::vector<std::string> group_rows;
    std::map<std::string, std::vector<int64_t>> value;
    std::map<std::string, std::vector<bool>> forced;
    auto small = [&]() -> int64_t {
      switch (rng() % 4) {
        case 0:
          return 0;
        case 1:
          return 1 + static_cast<int64_t>(rng() % 4);
        default:
          return static_cast<int64_t>(rng() % 30);
      }
    };
    for (int g = 0; g < groups; ++g) {
      const std::string group = absl::StrCat("g", g);
      const int factors = 1 + static_cast<int>(rng() % 5);
      std::vector<std::string> parts;
      value[group].assign(units, 0);
      for (int f = 0; f < factors; ++f) {
        const std::string factor = absl::StrCat("f", g, ".", f);
        parts.push_back(factor);
        rows.push_back(factor);
        value[factor].assign(units, 0);
        for (int u = 0; u < units; ++u) {
          value[factor][u] = small();
          value[group][u] =
              std::max(value[group][u], value[factor][u]) +
              (value[factor][u] > 0 && rng() % 2 ? value[factor][u] / 2 : 0);
        }
      }
      tables.push_back({group, parts});
      group_rows.push_back(group);
      rows.push_back(group);
    }
    value["P"].assign(units, 0);
    for (int u = 0; u < units; ++u) {
      for (const std::string& g : group_rows) {
        value["P"][u] += value[g][u];
      }
      if (rng() % 3 == 0) value["P"][u] += static_cast<int64_t>(rng() % 3);
    }
    tables.push_back({"P", group_rows});
    for (const std::string& row : rows) {
      forced[row].assign(units + 1, false);
      value[row].resize(units + 1, 0);
      for (int u = 0; u < units; ++u) {
        grid.Set(row, u, value[row][u]);
        value[row][parent] += value[row][u];
        if (rng() % 25 == 0) {
          grid.Force(row, u);
          forced[row][u] = true;
        }
      }
      grid.Set(row, parent, value[row][parent]);
    }
    for (const auto& [total, parts] : tables) grid.AddConstraint(total, parts);
    std::vector<int> children;
    for (int u = 0; u < units; ++u) children.push_back(u);
    grid.AddUnitConstraint(parent, children);
    grid.Run();
    ++grids;

    for (const std::string& row : rows) {
      for (int u = 0; u <= units; ++u) {
        const int64_t n = value[row][u];
        const bool hidden = grid.Suppressed(row, u);
        hidden_cells += hidden;
        if ((n > 0 && n < kMinPupils) || forced[row][u]) {
          EXPECT_TRUE(hidden) << "round " << round << " " << row << "@" << u;
        }
        if (hidden && n >= kMinPupils && !forced[row][u]) ++complements_needed;
      }
    }
    // Within tables.
    for (const auto& [total, parts] : tables) {
      for (int u = 0; u <= units; ++u) {
        int non_zero = 0, hidden = 0;
        std::vector<std::string> members = parts;
        members.push_back(total);
        for (const std::string& m : members) {
          if (value[m][u] == 0) continue;
          ++non_zero;
          hidden += grid.Suppressed(m, u);
        }
        if (non_zero > 1) {
          EXPECT_NE(hidden, 1)
              << "round " << round << ": table " << total << " of unit " << u;
        }
      }
    }
    // Across the children and their parent.
    for (const std::string& row : rows) {
      int non_zero = 0, hidden = 0;
      for (int u = 0; u <= units; ++u) {
        if (value[row][u] == 0) continue;
        ++non_zero;
        hidden += grid.Suppressed(row, u);
      }
      if (non_zero > 1) {
        EXPECT_NE(hidden, 1) << "round " << round << ": row " << row;
      }
    }
  }
  // The grids exercised the rules, not only the primary one.
  EXPECT_EQ(grids, 400);
  EXPECT_GT(hidden_cells, 1000);
  EXPECT_GT(complements_needed, 100);
}

}  // namespace
}  // namespace pumpurs::statistics
