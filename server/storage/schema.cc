// The schema, as numbered forward-only migrations. Never edit a released
// migration: add the next one. Times are Unix microseconds (UTC); `version`
// counts changes to a row and is the source of its etag; `sort_key` holds
// the ICU Latvian collation key of the display name, so plain byte order is
// Latvian alphabetical order and any SQLite tool can still check the index.

#include "server/storage/migrations.h"

namespace pumpurs::storage {
namespace {

constexpr char kFoundation[] = R"sql(
CREATE TABLE municipalities (
  id TEXT PRIMARY KEY,
  display_name TEXT NOT NULL,
  sort_key BLOB NOT NULL,
  code TEXT NOT NULL UNIQUE,
  version INTEGER NOT NULL,
  create_time INTEGER NOT NULL,
  update_time INTEGER NOT NULL
) STRICT;
CREATE INDEX municipalities_by_sort_key ON municipalities(sort_key, id);

CREATE TABLE institutions (
  id TEXT PRIMARY KEY,
  display_name TEXT NOT NULL,
  sort_key BLOB NOT NULL,
  kind INTEGER NOT NULL CHECK (kind BETWEEN 1 AND 3),
  municipality_id TEXT NOT NULL REFERENCES municipalities(id),
  registration_number TEXT NOT NULL UNIQUE,
  version INTEGER NOT NULL,
  create_time INTEGER NOT NULL,
  update_time INTEGER NOT NULL
) STRICT;
CREATE INDEX institutions_by_sort_key ON institutions(sort_key, id);
CREATE INDEX institutions_by_municipality
  ON institutions(municipality_id, sort_key, id);

CREATE TABLE staff (
  id TEXT PRIMARY KEY,
  institution_id TEXT NOT NULL REFERENCES institutions(id),
  given_name TEXT NOT NULL,
  family_name TEXT NOT NULL,
  position INTEGER NOT NULL,
  version INTEGER NOT NULL,
  create_time INTEGER NOT NULL,
  update_time INTEGER NOT NULL
) STRICT;
CREATE INDEX staff_by_institution ON staff(institution_id);

CREATE TABLE pupils (
  id TEXT PRIMARY KEY,
  institution_id TEXT NOT NULL REFERENCES institutions(id),
  given_name TEXT NOT NULL,
  family_name TEXT NOT NULL,
  birth_date TEXT NOT NULL,
  grade INTEGER NOT NULL,
  class_label TEXT NOT NULL,
  external_id TEXT UNIQUE,
  version INTEGER NOT NULL,
  create_time INTEGER NOT NULL,
  update_time INTEGER NOT NULL
) STRICT;
CREATE INDEX pupils_by_institution ON pupils(institution_id);

CREATE TABLE guardians (
  id TEXT PRIMARY KEY,
  given_name TEXT NOT NULL,
  family_name TEXT NOT NULL,
  version INTEGER NOT NULL,
  create_time INTEGER NOT NULL,
  update_time INTEGER NOT NULL
) STRICT;

CREATE TABLE guardian_pupils (
  guardian_id TEXT NOT NULL REFERENCES guardians(id),
  pupil_id TEXT NOT NULL REFERENCES pupils(id),
  PRIMARY KEY (guardian_id, pupil_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX guardian_pupils_by_pupil ON guardian_pupils(pupil_id);

-- request_id idempotency: the first create's resource, per caller and method.
CREATE TABLE request_ids (
  caller_id TEXT NOT NULL,
  method TEXT NOT NULL,
  request_id TEXT NOT NULL,
  resource_name TEXT NOT NULL,
  create_time INTEGER NOT NULL,
  PRIMARY KEY (caller_id, method, request_id)
) STRICT, WITHOUT ROWID;
)sql";

constexpr Migration kMigrations[] = {
    {1, "foundation: directory, request ids", kFoundation},
};

}  // namespace

absl::Span<const Migration> SchemaMigrations() { return kMigrations; }

}  // namespace pumpurs::storage
