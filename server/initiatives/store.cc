#include "server/initiatives/store.h"

#include <algorithm>

#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "google/protobuf/util/time_util.h"
#include "server/common/error.h"
#include "server/common/etag.h"
#include "server/common/ids.h"
#include "server/common/status_macros.h"
#include "server/plans/store.h"

namespace pumpurs::initiatives {
namespace {

google::protobuf::Timestamp ToProto(absl::Time t) {
  return google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(
      absl::ToUnixMicros(t));
}

// The ids of "collection/id" names, sorted, each once; others dropped.
std::vector<std::string> IdsOf(
    const google::protobuf::RepeatedPtrField<std::string>& names,
    absl::string_view collection) {
  std::vector<std::string> ids;
  const std::string prefix = std::string(collection) + "/";
  for (const std::string& name : names) {
    absl::string_view id = name;
    if (absl::ConsumePrefix(&id, prefix) && !id.empty()) ids.emplace_back(id);
  }
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  return ids;
}

std::vector<std::string> SplitIds(const std::string& joined) {
  std::vector<std::string> ids;
  if (!joined.empty()) ids = absl::StrSplit(joined, ',');
  std::sort(ids.begin(), ids.end());
  return ids;
}

void FillCall(StoredCall& c) {
  v1::Call& call = c.call;
  call.set_name(ResourceName(kCalls, c.id));
  call.set_etag(EtagFor(c.version));
  *call.mutable_create_time() = ToProto(c.create_time);
  *call.mutable_update_time() = ToProto(c.update_time);
  c.evaluator_ids = IdsOf(call.evaluators(), kAccounts);
}

void FillInitiative(StoredInitiative& i) {
  v1::Initiative& in = i.initiative;
  in.set_name(ResourceName(kInitiatives, i.id));
  in.set_call(ResourceName(kCalls, i.call_id));
  in.set_owner(ResourceName(kAccounts, i.owner_account_id));
  in.set_etag(EtagFor(i.version));
  *in.mutable_create_time() = ToProto(i.create_time);
  *in.mutable_update_time() = ToProto(i.update_time);
  i.member_ids = IdsOf(in.members(), kPupils);
  absl::string_view supervisor = in.supervisor().account();
  i.supervisor_account_id = absl::ConsumePrefix(&supervisor, "accounts/")
                                ? std::string(supervisor)
                                : "";
}

absl::Status WriteLinks(Connection& conn, const char* del_sql,
                        const char* ins_sql, const std::string& id,
                        const std::vector<std::string>& ids) {
  PUMPURS_ASSIGN_OR_RETURN(storage::Statement del, conn.Prepare(del_sql));
  del.Bind(1, id);
  PUMPURS_RETURN_IF_ERROR(del.Run());
  for (const std::string& other : ids) {
    PUMPURS_ASSIGN_OR_RETURN(storage::Statement ins, conn.Prepare(ins_sql));
    ins.Bind(1, id).Bind(2, other);
    PUMPURS_RETURN_IF_ERROR(ins.Run());
  }
  return absl::OkStatus();
}

absl::Status WriteEvaluators(Connection& conn, const StoredCall& c) {
  return WriteLinks(
      conn, "DELETE FROM initiative_call_evaluators WHERE call_id = ?",
      "INSERT INTO initiative_call_evaluators (call_id, account_id) VALUES "
      "(?, ?)",
      c.id, c.evaluator_ids);
}

absl::Status WriteMembers(Connection& conn, const StoredInitiative& i) {
  return WriteLinks(
      conn, "DELETE FROM initiative_members WHERE initiative_id = ?",
      "INSERT INTO initiative_members (initiative_id, pupil_id) VALUES (?, ?)",
      i.id, i.member_ids);
}

absl::StatusOr<std::vector<std::string>> GuardiansOf(
    Connection& conn, const std::vector<std::string>& pupils) {
  std::vector<std::string> out;
  for (const std::string& pupil : pupils) {
    PUMPURS_ASSIGN_OR_RETURN(
        storage::Statement s,
        conn.Prepare("SELECT guardian_id FROM guardian_pupils WHERE pupil_id "
                     "= ?"));
    s.Bind(1, pupil);
    while (true) {
      PUMPURS_ASSIGN_OR_RETURN(bool row, s.Step());
      if (!row) break;
      out.push_back(s.ColumnText(0));
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace

absl::StatusOr<std::optional<StoredCall>> LoadCall(Connection& conn,
                                                   absl::string_view id) {
  PUMPURS_ASSIGN_OR_RETURN(
      storage::Statement s,
      conn.Prepare("SELECT id, municipality_id, institution_id, state, data, "
                   "version, create_time, update_time FROM initiative_calls "
                   "WHERE id = ?"));
  s.Bind(1, id);
  PUMPURS_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return std::nullopt;
  StoredCall c;
  c.id = s.ColumnText(0);
  c.municipality_id = s.ColumnText(1);
  c.institution_id = s.ColumnText(2);
  if (!c.call.ParseFromString(s.ColumnText(4))) {
    return absl::DataLossError("a stored call cannot be read");
  }
  c.call.set_state(static_cast<v1::CallState>(s.ColumnInt64(3)));
  c.version = s.ColumnInt64(5);
  c.create_time = absl::FromUnixMicros(s.ColumnInt64(6));
  c.update_time = absl::FromUnixMicros(s.ColumnInt64(7));
  FillCall(c);
  return c;
}

absl::Status InsertCall(Connection& conn, StoredCall& c, absl::Time now) {
  c.version = 1;
  c.create_time = c.update_time = now;
  if (c.call.state() == v1::CALL_STATE_UNSPECIFIED) {
    c.call.set_state(v1::CALL_STATE_DRAFT);
  }
  FillCall(c);
  PUMPURS_ASSIGN_OR_RETURN(
      storage::Statement s,
      conn.Prepare("INSERT INTO initiative_calls (id, owner, municipality_id, "
                   "institution_id, state, data, version, create_time, "
                   "update_time) VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?)"));
  s.Bind(1, c.id)
      .Bind(2, c.call.owner())
      .Bind(3, c.municipality_id)
      .Bind(4, c.institution_id)
      .Bind(5, int64_t{c.call.state()})
      .BindBlob(6, c.call.SerializeAsString())
      .Bind(7, absl::ToUnixMicros(now))
      .Bind(8, absl::ToUnixMicros(now));
  PUMPURS_RETURN_IF_ERROR(s.Run());
  PUMPURS_RETURN_IF_ERROR(WriteEvaluators(conn, c));
  return plans::RecordChange(conn, c.call.name(), "", "", false, now);
}

absl::Status SaveCall(Connection& conn, StoredCall& c, absl::Time now) {
  c.version += 1;
  c.update_time = now;
  FillCall(c);
  PUMPURS_ASSIGN_OR_RETURN(
      storage::Statement s,
      conn.Prepare("UPDATE initiative_calls SET state = ?, data = ?, version "
                   "= ?, update_time = ? WHERE id = ?"));
  s.Bind(1, int64_t{c.call.state()})
      .BindBlob(2, c.call.SerializeAsString())
      .Bind(3, c.version)
      .Bind(4, absl::ToUnixMicros(now))
      .Bind(5, c.id);
  PUMPURS_RETURN_IF_ERROR(s.Run());
  PUMPURS_RETURN_IF_ERROR(WriteEvaluators(conn, c));
  return plans::RecordChange(conn, c.call.name(), "", "", false, now);
}

absl::StatusOr<std::optional<StoredInitiative>> LoadInitiative(
    Connection& conn, absl::string_view id) {
  PUMPURS_ASSIGN_OR_RETURN(
      storage::Statement s,
      conn.Prepare("SELECT id, call_id, municipality_id, institution_id, "
                   "owner_account_id, state, data, version, create_time, "
                   "update_time FROM initiatives WHERE id = ?"));
  s.Bind(1, id);
  PUMPURS_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return std::nullopt;
  StoredInitiative i;
  i.id = s.ColumnText(0);
  i.call_id = s.ColumnText(1);
  i.municipality_id = s.ColumnText(2);
  i.institution_id = s.ColumnText(3);
  i.owner_account_id = s.ColumnText(4);
  if (!i.initiative.ParseFromString(s.ColumnText(6))) {
    return absl::DataLossError("a stored initiative cannot be read");
  }
  i.initiative.set_state(static_cast<v1::InitiativeState>(s.ColumnInt64(5)));
  i.version = s.ColumnInt64(7);
  i.create_time = absl::FromUnixMicros(s.ColumnInt64(8));
  i.update_time = absl::FromUnixMicros(s.ColumnInt64(9));
  FillInitiative(i);
  PUMPURS_ASSIGN_OR_RETURN(i.guardian_ids, GuardiansOf(conn, i.member_ids));
  return i;
}

absl::Status InsertInitiative(Connection& conn, StoredInitiative& i,
                              absl::Time now) {
  i.version = 1;
  i.create_time = i.update_time = now;
  if (i.initiative.state() == v1::INITIATIVE_STATE_UNSPECIFIED) {
    i.initiative.set_state(v1::INITIATIVE_STATE_DRAFT);
  }
  FillInitiative(i);
  PUMPURS_ASSIGN_OR_RETURN(i.guardian_ids, GuardiansOf(conn, i.member_ids));
  PUMPURS_ASSIGN_OR_RETURN(
      storage::Statement s,
      conn.Prepare("INSERT INTO initiatives (id, call_id, municipality_id, "
                   "institution_id, owner_account_id, supervisor_account_id, "
                   "state, data, version, create_time, update_time) VALUES "
                   "(?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)"));
  s.Bind(1, i.id)
      .Bind(2, i.call_id)
      .Bind(3, i.municipality_id)
      .Bind(4, i.institution_id)
      .Bind(5, i.owner_account_id)
      .Bind(6, i.supervisor_account_id)
      .Bind(7, int64_t{i.initiative.state()})
      .BindBlob(8, i.initiative.SerializeAsString())
      .Bind(9, absl::ToUnixMicros(now))
      .Bind(10, absl::ToUnixMicros(now));
  PUMPURS_RETURN_IF_ERROR(s.Run());
  PUMPURS_RETURN_IF_ERROR(WriteMembers(conn, i));
  return plans::RecordChange(conn, i.initiative.name(), "", "", false, now);
}

absl::Status SaveInitiative(Connection& conn, StoredInitiative& i,
                            absl::Time now) {
  i.version += 1;
  i.update_time = now;
  FillInitiative(i);
  PUMPURS_ASSIGN_OR_RETURN(i.guardian_ids, GuardiansOf(conn, i.member_ids));
  PUMPURS_ASSIGN_OR_RETURN(
      storage::Statement s,
      conn.Prepare("UPDATE initiatives SET supervisor_account_id = ?, state = "
                   "?, data = ?, version = ?, update_time = ? WHERE id = ?"));
  s.Bind(1, i.supervisor_account_id)
      .Bind(2, int64_t{i.initiative.state()})
      .BindBlob(3, i.initiative.SerializeAsString())
      .Bind(4, i.version)
      .Bind(5, absl::ToUnixMicros(now))
      .Bind(6, i.id);
  PUMPURS_RETURN_IF_ERROR(s.Run());
  PUMPURS_RETURN_IF_ERROR(WriteMembers(conn, i));
  return plans::RecordChange(conn, i.initiative.name(), "", "", false, now);
}

}  // namespace pumpurs::initiatives
