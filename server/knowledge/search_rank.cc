#include "server/knowledge/search_rank.h"

#include <sqlite3.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <memory>
#include <vector>

namespace pumpurs::knowledge {
namespace {

constexpr double kK1 = 1.2;
constexpr double kB = 0.75;

// Per query (cached with xSetAuxdata): the idf of each phrase and the
// average row size.
struct QueryData {
  std::vector<double> idf;
  std::vector<double> avg_size;  // per column, in tokens
};

int CountRow(const Fts5ExtensionApi*, Fts5Context*, void* user) {
  ++*static_cast<int64_t*>(user);
  return SQLITE_OK;
}

void DeleteQueryData(void* p) { delete static_cast<QueryData*>(p); }

// Builds the per-query data, or returns an SQLite error code.
int Prepare(const Fts5ExtensionApi* api, Fts5Context* fts, QueryData** out) {
  auto data = std::make_unique<QueryData>();
  sqlite3_int64 rows = 0;
  int rc = api->xRowCount(fts, &rows);
  if (rc != SQLITE_OK) return rc;
  for (int c = 0; c < api->xColumnCount(fts); ++c) {
    sqlite3_int64 tokens = 0;
    rc = api->xColumnTotalSize(fts, c, &tokens);
    if (rc != SQLITE_OK) return rc;
    data->avg_size.push_back(
        rows > 0 ? std::max(1.0, double(tokens) / double(rows)) : 1.0);
  }
  const int phrases = api->xPhraseCount(fts);
  for (int i = 0; i < phrases; ++i) {
    int64_t hits = 0;
    rc = api->xQueryPhrase(fts, i, &hits, CountRow);
    if (rc != SQLITE_OK) return rc;
    const double n = static_cast<double>(hits);
    const double N = static_cast<double>(rows);
    data->idf.push_back(std::log(1.0 + (N - n + 0.5) / (n + 0.5)));
  }
  *out = data.get();
  return api->xSetAuxdata(fts, data.release(), DeleteQueryData);
}

void Rank(const Fts5ExtensionApi* api, Fts5Context* fts, sqlite3_context* ctx,
          int argc, sqlite3_value** argv) {
  auto* data = static_cast<QueryData*>(api->xGetAuxdata(fts, 0));
  if (data == nullptr) {
    int rc = Prepare(api, fts, &data);
    if (rc != SQLITE_OK) {
      sqlite3_result_error_code(ctx, rc);
      return;
    }
  }
  const int columns = api->xColumnCount(fts);
  std::vector<double> weights(columns, 1.0);
  for (int i = 0; i < argc && i < columns; ++i) {
    weights[i] = sqlite3_value_double(argv[i]);
  }
  // Each column's length normalization, then the weighted frequency of
  // each phrase summed over the columns (BM25F).
  std::vector<double> column_norm(columns, 1.0);
  int rc = SQLITE_OK;
  for (int c = 0; rc == SQLITE_OK && c < columns; ++c) {
    int size = 0;
    rc = api->xColumnSize(fts, c, &size);
    column_norm[c] = 1 - kB + kB * size / data->avg_size[c];
  }
  std::vector<double> freq(data->idf.size(), 0.0);
  int instances = 0;
  if (rc == SQLITE_OK) rc = api->xInstCount(fts, &instances);
  for (int i = 0; rc == SQLITE_OK && i < instances; ++i) {
    int phrase = 0, column = 0, offset = 0;
    rc = api->xInst(fts, i, &phrase, &column, &offset);
    if (rc == SQLITE_OK && phrase >= 0 &&
        phrase < static_cast<int>(freq.size()) && column >= 0 &&
        column < columns) {
      freq[phrase] += weights[column] / column_norm[column];
    }
  }
  if (rc != SQLITE_OK) {
    sqlite3_result_error_code(ctx, rc);
    return;
  }
  double score = 0;
  for (size_t i = 0; i < freq.size(); ++i) {
    score += data->idf[i] * (freq[i] * (kK1 + 1)) / (freq[i] + kK1);
  }
  sqlite3_result_double(ctx, -score);
}

}  // namespace

absl::Status RegisterRankFunction(storage::Connection& conn) {
  sqlite3* db = conn.raw();
  sqlite3_stmt* stmt = nullptr;
  fts5_api* api = nullptr;
  int rc = sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &stmt, nullptr);
  if (rc == SQLITE_OK) {
    sqlite3_bind_pointer(stmt, 1, &api, "fts5_api_ptr", nullptr);
    sqlite3_step(stmt);
  }
  sqlite3_finalize(stmt);
  if (rc != SQLITE_OK || api == nullptr) {
    return absl::InternalError("FTS5 is not available");
  }
  rc = api->xCreateFunction(api, kRankFunction, nullptr, Rank, nullptr);
  if (rc != SQLITE_OK) {
    return absl::InternalError("cannot register the search rank function");
  }
  return absl::OkStatus();
}

}  // namespace pumpurs::knowledge
