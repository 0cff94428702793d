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

-- Failed sign-ins for usernames no account signs in with, throttled like
-- accounts.failed_logins so that throttling does not reveal which usernames
-- exist. A row is made by a failure and deleted once it no longer counts
-- (kLoginFailureMemory after its last failure).
CREATE TABLE login_failures (
  username TEXT PRIMARY KEY,
  failed_logins INTEGER NOT NULL,
  last_failed_time INTEGER NOT NULL,
  locked_until INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX login_failures_by_time ON login_failures(last_failed_time);

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

// The knowledge base. Taxonomy items and articles are stored as serialized
// pumpurs.v1 messages (data / draft / revision BLOBs) with plain indexed
// columns beside them for filtering. seed_hash: hash of the seed item the row
// was last loaded from ('' if written through the API); edited: changed
// through the API since, so a later seed leaves it alone.
constexpr char kKnowledgeBase[] = R"sql(
CREATE TABLE kb_risk_factors (
  code TEXT PRIMARY KEY,
  risk_group INTEGER NOT NULL,
  ord INTEGER NOT NULL,
  data BLOB NOT NULL,
  seed_hash TEXT NOT NULL DEFAULT '',
  edited INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX kb_risk_factors_by_group ON kb_risk_factors(risk_group, ord, code);

CREATE TABLE kb_measure_types (
  code TEXT PRIMARY KEY,
  category INTEGER NOT NULL,
  data BLOB NOT NULL,
  seed_hash TEXT NOT NULL DEFAULT '',
  edited INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX kb_measure_types_by_category ON kb_measure_types(category, code);

CREATE TABLE kb_measure_risks (
  measure_code TEXT NOT NULL REFERENCES kb_measure_types(code),
  risk_code TEXT NOT NULL REFERENCES kb_risk_factors(code),
  strength INTEGER NOT NULL,
  PRIMARY KEY (measure_code, risk_code)
) STRICT, WITHOUT ROWID;
CREATE INDEX kb_measure_risks_by_risk ON kb_measure_risks(risk_code, measure_code);

-- kind and audiences (bitmask of 1 << Audience) are those of the published
-- revision once there is one, else of the working copy (draft).
CREATE TABLE kb_articles (
  id TEXT PRIMARY KEY,
  seed_key TEXT UNIQUE,
  kind INTEGER NOT NULL,
  state INTEGER NOT NULL CHECK (state BETWEEN 1 AND 3),
  audiences INTEGER NOT NULL,
  draft BLOB NOT NULL,
  published_revision INTEGER NOT NULL DEFAULT 0,
  version INTEGER NOT NULL,
  create_time INTEGER NOT NULL,
  update_time INTEGER NOT NULL,
  seed_hash TEXT NOT NULL DEFAULT '',
  edited INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX kb_articles_by_state ON kb_articles(state, kind, update_time, id);
CREATE INDEX kb_articles_by_time ON kb_articles(update_time, id);

-- Links of each article's PUBLISHED revision.
CREATE TABLE kb_article_risks (
  article_id TEXT NOT NULL REFERENCES kb_articles(id),
  risk_code TEXT NOT NULL,
  PRIMARY KEY (article_id, risk_code)
) STRICT, WITHOUT ROWID;
CREATE INDEX kb_article_risks_by_risk ON kb_article_risks(risk_code, article_id);

CREATE TABLE kb_article_measures (
  article_id TEXT NOT NULL REFERENCES kb_articles(id),
  measure_code TEXT NOT NULL,
  PRIMARY KEY (article_id, measure_code)
) STRICT, WITHOUT ROWID;
CREATE INDEX kb_article_measures_by_measure
  ON kb_article_measures(measure_code, article_id);

-- Published revisions: immutable (the triggers refuse changes).
CREATE TABLE kb_article_revisions (
  article_id TEXT NOT NULL REFERENCES kb_articles(id),
  number INTEGER NOT NULL,
  data BLOB NOT NULL,
  publish_time INTEGER NOT NULL,
  publisher TEXT NOT NULL,
  PRIMARY KEY (article_id, number)
) STRICT, WITHOUT ROWID;
CREATE TRIGGER kb_article_revisions_no_update
BEFORE UPDATE ON kb_article_revisions
BEGIN SELECT RAISE(ABORT, 'article revisions cannot be changed'); END;
CREATE TRIGGER kb_article_revisions_no_delete
BEFORE DELETE ON kb_article_revisions
BEGIN SELECT RAISE(ABORT, 'article revisions cannot be deleted'); END;
)sql";

// Full-text search over published articles (server/knowledge/search*.h).
// kb_search holds each article's texts NORMALIZED (every word folded and
// stemmed: knowledge/latvian_stemmer.h), one row per published article, the
// Latvian and English texts in their own columns so a query matches each
// language with its own stemming; its rowid is kb_search_docs.doc.
// kb_search_docs is narrow on purpose (it is read for every match): the
// published revision's kind and audiences (bitmask 1 << Audience), so that
// filtering needs no other table. kb_search_texts keeps the original texts
// for the titles and snippets of the hits returned. All three are rebuilt
// for an article by knowledge::ReindexArticle; no rows for drafts or
// archived articles.
constexpr char kKnowledgeSearch[] = R"sql(
CREATE TABLE kb_search_docs (
  doc INTEGER PRIMARY KEY,
  article_id TEXT NOT NULL UNIQUE REFERENCES kb_articles(id),
  kind INTEGER NOT NULL,
  audiences INTEGER NOT NULL
) STRICT;
CREATE TABLE kb_search_texts (
  doc INTEGER PRIMARY KEY REFERENCES kb_search_docs(doc),
  title_lv TEXT NOT NULL,
  summary_lv TEXT NOT NULL,
  body_lv TEXT NOT NULL,
  title_en TEXT NOT NULL,
  summary_en TEXT NOT NULL,
  body_en TEXT NOT NULL
) STRICT;
-- Covers the link lookups of search filters and recommendations
-- (kb_article_risks / kb_article_measures → published, readable articles)
-- without reading the wide kb_articles rows.
CREATE INDEX kb_articles_for_links ON kb_articles(id, state, audiences);
CREATE VIRTUAL TABLE kb_search USING fts5(
  title_lv, summary_lv, body_lv, title_en, summary_en, body_en,
  tokenize = 'unicode61 remove_diacritics 2'
);
)sql";

// Individual support plans (server/plans). Applications and plans are
// stored as serialized pumpurs.v1 messages (data) with the columns that
// filters, access decisions and uniqueness need beside them. staff.account_id
// links a staff record to the account its person signs in with, so that
// "the plan's preparer" and "the measure's provider" can be recognised in a
// caller. support_plan_revisions hold who changed what and when, never
// contents (a deleted plan's contents must really go). changes is the
// sync feed: one row per change of a plan, an application or a delivery.
constexpr char kSupportPlans[] = R"sql(
ALTER TABLE staff ADD COLUMN account_id TEXT REFERENCES accounts(id);
CREATE UNIQUE INDEX staff_by_account ON staff(account_id, institution_id)
  WHERE account_id IS NOT NULL;

CREATE TABLE plan_applications (
  id TEXT PRIMARY KEY,
  pupil_id TEXT NOT NULL REFERENCES pupils(id),
  institution_id TEXT NOT NULL REFERENCES institutions(id),
  municipality_id TEXT NOT NULL,
  school_year INTEGER NOT NULL,
  term INTEGER NOT NULL,
  state INTEGER NOT NULL CHECK (state IN (1, 2)),
  data BLOB NOT NULL,
  version INTEGER NOT NULL,
  create_time INTEGER NOT NULL,
  update_time INTEGER NOT NULL
) STRICT;
CREATE INDEX plan_applications_by_pupil
  ON plan_applications(pupil_id, create_time, id);
CREATE INDEX plan_applications_by_institution
  ON plan_applications(institution_id, create_time, id);

-- submitted: the plan has been submitted for approval at least once, so the
-- approval levels may see it. state 7 is inactive (deleted): it no longer
-- holds the pupil's semester.
CREATE TABLE support_plans (
  id TEXT PRIMARY KEY,
  pupil_id TEXT NOT NULL REFERENCES pupils(id),
  institution_id TEXT NOT NULL REFERENCES institutions(id),
  municipality_id TEXT NOT NULL,
  application_id TEXT NOT NULL REFERENCES plan_applications(id),
  preparer_id TEXT NOT NULL,
  school_year INTEGER NOT NULL,
  term INTEGER NOT NULL,
  state INTEGER NOT NULL CHECK (state BETWEEN 1 AND 8),
  submitted INTEGER NOT NULL DEFAULT 0,
  funds_used_cents INTEGER NOT NULL DEFAULT 0,
  data BLOB NOT NULL,
  version INTEGER NOT NULL,
  create_time INTEGER NOT NULL,
  update_time INTEGER NOT NULL
) STRICT;
CREATE UNIQUE INDEX support_plans_one_per_semester
  ON support_plans(pupil_id, school_year, term) WHERE state != 7;
CREATE INDEX support_plans_by_time ON support_plans(create_time, id);
CREATE INDEX support_plans_by_institution
  ON support_plans(institution_id, create_time, id);
CREATE INDEX support_plans_by_municipality
  ON support_plans(municipality_id, create_time, id);
CREATE INDEX support_plans_by_pupil ON support_plans(pupil_id, create_time, id);
CREATE INDEX support_plans_by_preparer
  ON support_plans(preparer_id, create_time, id);
CREATE INDEX support_plans_by_application ON support_plans(application_id);

-- The providers of a plan's measures (staff ids), for access decisions.
-- current = 0: provided for (or prepared) the plan once, no longer (the
-- sync feed owes them a tombstone when the plan goes away).
CREATE TABLE support_plan_providers (
  plan_id TEXT NOT NULL REFERENCES support_plans(id),
  staff_id TEXT NOT NULL,
  current INTEGER NOT NULL DEFAULT 1,
  PRIMARY KEY (plan_id, staff_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX support_plan_providers_by_staff
  ON support_plan_providers(staff_id, plan_id);

-- changed_fields: comma-separated field names of pumpurs.v1.SupportPlan.
CREATE TABLE support_plan_revisions (
  plan_id TEXT NOT NULL REFERENCES support_plans(id),
  number INTEGER NOT NULL,
  time INTEGER NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  changed_fields TEXT NOT NULL,
  state INTEGER NOT NULL,
  PRIMARY KEY (plan_id, number)
) STRICT, WITHOUT ROWID;

-- Delivery records. month: "YYYY-MM" of date; funds_cents: what the record
-- costs (a compensation's amount, or a consultation's share of the
-- measure's planned cost).
CREATE TABLE plan_deliveries (
  id TEXT PRIMARY KEY,
  plan_id TEXT NOT NULL REFERENCES support_plans(id),
  measure_id TEXT NOT NULL,
  institution_id TEXT NOT NULL,
  provider_id TEXT NOT NULL,
  date TEXT NOT NULL,
  month TEXT NOT NULL,
  minutes INTEGER NOT NULL,
  amount_cents INTEGER NOT NULL,
  funds_cents INTEGER NOT NULL,
  remote INTEGER NOT NULL,
  data BLOB NOT NULL,
  create_time INTEGER NOT NULL
) STRICT;
CREATE INDEX plan_deliveries_by_plan ON plan_deliveries(plan_id, create_time, id);
CREATE INDEX plan_deliveries_by_month
  ON plan_deliveries(institution_id, month, provider_id);

-- The change feed (SyncService). plan_id: the plan the resource belongs to
-- ('' for applications), so access can be decided per row.
CREATE TABLE changes (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  resource TEXT NOT NULL,
  plan_id TEXT NOT NULL,
  pupil_id TEXT NOT NULL,
  deleted INTEGER NOT NULL,
  time INTEGER NOT NULL
) STRICT;
CREATE INDEX changes_by_resource ON changes(resource, seq);
)sql";

// Youth-initiative calls and projects (server/initiatives), stored like
// plans: the API message in data (unredacted: every evaluation, the real
// at-risk counts) beside the columns that filters and access need.
// owner: "municipalities/{id}" or "institutions/{id}"; institution_id is ''
// for a municipality's call and municipality_id '' for a state vocational
// school's (its chain has no municipality).
constexpr char kYouthInitiatives[] = R"sql(
CREATE TABLE initiative_calls (
  id TEXT PRIMARY KEY,
  owner TEXT NOT NULL,
  municipality_id TEXT NOT NULL,
  institution_id TEXT NOT NULL,
  state INTEGER NOT NULL CHECK (state BETWEEN 1 AND 3),
  data BLOB NOT NULL,
  version INTEGER NOT NULL,
  create_time INTEGER NOT NULL,
  update_time INTEGER NOT NULL
) STRICT;
CREATE INDEX initiative_calls_by_time ON initiative_calls(create_time, id);
CREATE INDEX initiative_calls_by_owner
  ON initiative_calls(owner, create_time, id);

CREATE TABLE initiative_call_evaluators (
  call_id TEXT NOT NULL REFERENCES initiative_calls(id),
  account_id TEXT NOT NULL,
  PRIMARY KEY (call_id, account_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX initiative_call_evaluators_by_account
  ON initiative_call_evaluators(account_id, call_id);

-- municipality_id / institution_id: the call's owner's, for access.
CREATE TABLE initiatives (
  id TEXT PRIMARY KEY,
  call_id TEXT NOT NULL REFERENCES initiative_calls(id),
  municipality_id TEXT NOT NULL,
  institution_id TEXT NOT NULL,
  owner_account_id TEXT NOT NULL,
  supervisor_account_id TEXT NOT NULL,
  state INTEGER NOT NULL CHECK (state BETWEEN 1 AND 9),
  data BLOB NOT NULL,
  version INTEGER NOT NULL,
  create_time INTEGER NOT NULL,
  update_time INTEGER NOT NULL
) STRICT;
CREATE INDEX initiatives_by_time ON initiatives(create_time, id);
CREATE INDEX initiatives_by_call ON initiatives(call_id, create_time, id);
CREATE INDEX initiatives_by_owner
  ON initiatives(owner_account_id, create_time, id);
CREATE INDEX initiatives_by_municipality
  ON initiatives(municipality_id, create_time, id);

CREATE TABLE initiative_members (
  initiative_id TEXT NOT NULL REFERENCES initiatives(id),
  pupil_id TEXT NOT NULL,
  PRIMARY KEY (initiative_id, pupil_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX initiative_members_by_pupil
  ON initiative_members(pupil_id, initiative_id);
)sql";

// Parents' self-check questionnaires (server/selfcheck), kept like
// knowledge-base articles: a working copy (draft) and immutable published
// revisions; seed_hash / edited as for kb_articles. No table holds answers:
// a self-check is evaluated and forgotten.
// Staff development (server/training): events (the API message in data
// beside the columns filters need; audiences a bitmask 1 << audience), the
// METHOD articles they teach, and registrations (at most one live one per
// staff member and event; hours credited once attended).
constexpr char kSelfCheckAndTraining[] = R"sql(
CREATE TABLE sc_questionnaires (
  id TEXT PRIMARY KEY,
  seed_key TEXT UNIQUE,
  age_band INTEGER NOT NULL CHECK (age_band BETWEEN 1 AND 4),
  state INTEGER NOT NULL CHECK (state IN (1, 2)),
  draft BLOB NOT NULL,
  published_revision INTEGER NOT NULL DEFAULT 0,
  version INTEGER NOT NULL,
  create_time INTEGER NOT NULL,
  update_time INTEGER NOT NULL,
  seed_hash TEXT NOT NULL DEFAULT '',
  edited INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX sc_questionnaires_by_band ON sc_questionnaires(age_band, id);
CREATE TABLE sc_questionnaire_revisions (
  questionnaire_id TEXT NOT NULL REFERENCES sc_questionnaires(id),
  number INTEGER NOT NULL,
  data BLOB NOT NULL,
  publish_time INTEGER NOT NULL,
  publisher TEXT NOT NULL,
  PRIMARY KEY (questionnaire_id, number)
) STRICT, WITHOUT ROWID;
CREATE TRIGGER sc_questionnaire_revisions_no_update
BEFORE UPDATE ON sc_questionnaire_revisions
BEGIN SELECT RAISE(ABORT, 'questionnaire revisions cannot be changed'); END;
CREATE TRIGGER sc_questionnaire_revisions_no_delete
BEFORE DELETE ON sc_questionnaire_revisions
BEGIN SELECT RAISE(ABORT, 'questionnaire revisions cannot be deleted'); END;

CREATE TABLE training_events (
  id TEXT PRIMARY KEY,
  organiser_account_id TEXT NOT NULL,
  kind INTEGER NOT NULL,
  state INTEGER NOT NULL CHECK (state BETWEEN 1 AND 3),
  audiences INTEGER NOT NULL,
  start_time INTEGER NOT NULL,
  end_time INTEGER NOT NULL,
  capacity INTEGER NOT NULL,
  hours REAL NOT NULL,
  data BLOB NOT NULL,
  version INTEGER NOT NULL,
  create_time INTEGER NOT NULL,
  update_time INTEGER NOT NULL
) STRICT;
CREATE INDEX training_events_by_start ON training_events(start_time, id);
CREATE TABLE training_event_articles (
  event_id TEXT NOT NULL REFERENCES training_events(id),
  article_id TEXT NOT NULL,
  PRIMARY KEY (event_id, article_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX training_event_articles_by_article
  ON training_event_articles(article_id, event_id);
CREATE TABLE training_registrations (
  id TEXT PRIMARY KEY,
  event_id TEXT NOT NULL REFERENCES training_events(id),
  staff_id TEXT NOT NULL,
  institution_id TEXT NOT NULL,
  state INTEGER NOT NULL CHECK (state BETWEEN 1 AND 4),
  hours REAL NOT NULL DEFAULT 0,
  create_time INTEGER NOT NULL,
  update_time INTEGER NOT NULL
) STRICT;
CREATE UNIQUE INDEX training_registrations_live
  ON training_registrations(event_id, staff_id) WHERE state != 2;
CREATE INDEX training_registrations_by_event
  ON training_registrations(event_id, create_time, id);
CREATE INDEX training_registrations_by_staff
  ON training_registrations(staff_id, event_id);
CREATE INDEX training_registrations_by_institution
  ON training_registrations(institution_id, staff_id);
)sql";

// Programme statistics (server/statistics): counters kept by the plan writer
// in the same transaction as the plan. `scope` is "n" (the country),
// "m:<municipality id>" or "i:<institution id>"; every plan change updates
// all three. stats_counts holds additive figures per semester; distinct
// pupils over a school year cannot be summed from semesters, so
// stats_year_members keeps who is behind each such cell (refs = how many of
// the year's supported plans put the pupil there) and stats_year_pupils its
// size. Holds pupil ids (no names, no plan contents) and never leaves the
// server. stats_built = 0 asks the server to rebuild all of it from the
// plans on start (after this migration, or after a bulk load).
constexpr char kStatistics[] = R"sql(
CREATE TABLE stats_counts (
  school_year INTEGER NOT NULL,
  term INTEGER NOT NULL,
  scope TEXT NOT NULL,
  metric TEXT NOT NULL,
  key TEXT NOT NULL,
  value INTEGER NOT NULL,
  PRIMARY KEY (school_year, term, scope, metric, key)
) STRICT, WITHOUT ROWID;
CREATE TABLE stats_year_members (
  school_year INTEGER NOT NULL,
  scope TEXT NOT NULL,
  key TEXT NOT NULL,
  pupil_id TEXT NOT NULL,
  refs INTEGER NOT NULL,
  PRIMARY KEY (school_year, scope, key, pupil_id)
) STRICT, WITHOUT ROWID;
CREATE TABLE stats_year_pupils (
  school_year INTEGER NOT NULL,
  scope TEXT NOT NULL,
  key TEXT NOT NULL,
  pupils INTEGER NOT NULL,
  PRIMARY KEY (school_year, scope, key)
) STRICT, WITHOUT ROWID;
CREATE TABLE stats_built (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  built INTEGER NOT NULL
) STRICT;
INSERT INTO stats_built VALUES (1, 0);
)sql";

constexpr Migration kMigrations[] = {
    {1, "foundation: directory, accounts, audit, request ids", kFoundation},
    {2, "knowledge base: taxonomy, articles, revisions", kKnowledgeBase},
    {3, "knowledge base: full-text search index", kKnowledgeSearch},
    {4, "support plans, deliveries, change feed", kSupportPlans},
    {5, "youth-initiative calls and projects", kYouthInitiatives},
    {6, "self-check questionnaires, staff development", kSelfCheckAndTraining},
    {7, "programme statistics counters", kStatistics},
};

}  // namespace

absl::Span<const Migration> SchemaMigrations() { return kMigrations; }

}  // namespace pumpurs::storage
