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
  sort_key BLOB NOT NULL,
  search_given TEXT NOT NULL,
  search_family TEXT NOT NULL,
  position INTEGER NOT NULL,
  external_id TEXT UNIQUE,
  version INTEGER NOT NULL,
  create_time INTEGER NOT NULL,
  update_time INTEGER NOT NULL
) STRICT;
CREATE INDEX staff_by_institution ON staff(institution_id, sort_key, id);

-- search_given / search_family: lowercase, diacritics removed
-- (FoldForSearch), for name-prefix filters that ignore both.
CREATE TABLE pupils (
  id TEXT PRIMARY KEY,
  institution_id TEXT NOT NULL REFERENCES institutions(id),
  given_name TEXT NOT NULL,
  family_name TEXT NOT NULL,
  sort_key BLOB NOT NULL,
  search_given TEXT NOT NULL,
  search_family TEXT NOT NULL,
  birth_date TEXT NOT NULL,
  grade INTEGER NOT NULL,
  vocational_course INTEGER NOT NULL,
  class_label TEXT NOT NULL,
  external_id TEXT UNIQUE,
  version INTEGER NOT NULL,
  create_time INTEGER NOT NULL,
  update_time INTEGER NOT NULL
) STRICT;
CREATE INDEX pupils_by_institution ON pupils(institution_id, sort_key, id);

CREATE TABLE guardians (
  id TEXT PRIMARY KEY,
  given_name TEXT NOT NULL,
  family_name TEXT NOT NULL,
  sort_key BLOB NOT NULL,
  search_given TEXT NOT NULL,
  search_family TEXT NOT NULL,
  external_id TEXT UNIQUE,
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

-- Accounts. password_hash is argon2id (PHC string); NULL for service
-- accounts, which use API keys.
CREATE TABLE accounts (
  id TEXT PRIMARY KEY,
  username TEXT NOT NULL UNIQUE,
  kind INTEGER NOT NULL CHECK (kind IN (1, 2)),
  password_hash TEXT,
  failed_logins INTEGER NOT NULL DEFAULT 0,
  last_failed_time INTEGER NOT NULL DEFAULT 0,
  locked_until INTEGER NOT NULL DEFAULT 0,
  disabled INTEGER NOT NULL DEFAULT 0,
  version INTEGER NOT NULL,
  create_time INTEGER NOT NULL,
  update_time INTEGER NOT NULL
) STRICT;

-- scope_id: the id of the institution, municipality, guardian or pupil the
-- role applies to; '' for national roles.
CREATE TABLE role_bindings (
  account_id TEXT NOT NULL REFERENCES accounts(id),
  role INTEGER NOT NULL CHECK (role BETWEEN 1 AND 9),
  scope_id TEXT NOT NULL,
  PRIMARY KEY (account_id, role, scope_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE api_scopes (
  account_id TEXT NOT NULL REFERENCES accounts(id),
  scope TEXT NOT NULL,
  PRIMARY KEY (account_id, scope)
) STRICT, WITHOUT ROWID;

-- Sessions: only SHA-256 hashes of the tokens are stored.
CREATE TABLE sessions (
  id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL REFERENCES accounts(id),
  access_hash TEXT NOT NULL UNIQUE,
  access_expire_time INTEGER NOT NULL,
  refresh_hash TEXT NOT NULL UNIQUE,
  refresh_expire_time INTEGER NOT NULL,
  revoked INTEGER NOT NULL DEFAULT 0,
  create_time INTEGER NOT NULL
) STRICT;
CREATE INDEX sessions_by_account ON sessions(account_id);

-- Refresh tokens already exchanged; presenting one again revokes its session.
CREATE TABLE spent_refresh_tokens (
  refresh_hash TEXT PRIMARY KEY,
  session_id TEXT NOT NULL REFERENCES sessions(id)
) STRICT, WITHOUT ROWID;

CREATE TABLE api_keys (
  id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL REFERENCES accounts(id),
  key_hash TEXT NOT NULL UNIQUE,
  revoked INTEGER NOT NULL DEFAULT 0,
  create_time INTEGER NOT NULL
) STRICT;

-- The audit trail: append-only (the triggers refuse changes).
CREATE TABLE audit_events (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  time INTEGER NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  resource TEXT NOT NULL,
  institution_id TEXT NOT NULL,
  municipality_id TEXT NOT NULL,
  pupil_id TEXT NOT NULL,
  outcome INTEGER NOT NULL,
  request_id TEXT NOT NULL
) STRICT;
CREATE INDEX audit_by_institution ON audit_events(institution_id, seq);
CREATE INDEX audit_by_municipality ON audit_events(municipality_id, seq);
CREATE INDEX audit_by_pupil ON audit_events(pupil_id, seq);
CREATE INDEX audit_by_actor ON audit_events(actor, seq);
CREATE INDEX audit_by_resource ON audit_events(resource, seq);
CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN SELECT RAISE(ABORT, 'audit events cannot be changed'); END;
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN SELECT RAISE(ABORT, 'audit events cannot be deleted'); END;

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
    {1, "foundation: directory, accounts, audit, request ids", kFoundation},
};

}  // namespace

absl::Span<const Migration> SchemaMigrations() { return kMigrations; }

}  // namespace pumpurs::storage
