// pumpurs sync [--sync_token=T | T] [--watch]
//
// Without --watch: every change after the token, then the token to sync
// from next time. With --watch: the same, then new changes as they are
// committed, until interrupted (--json: one JSON line per batch).

#include <cstdio>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "cli/commands.h"
#include "cli/enum_words.h"
#include "cli/output.h"
#include "cli/plan_format.h"
#include "cli/table.h"
#include "pumpurs/client/client.h"

// --token is the bearer token (cli/main.cc), hence --sync_token.
ABSL_FLAG(std::string, sync_token, "",
          "sync: the token of an earlier sync (default: from the beginning)");
ABSL_FLAG(bool, watch, false,
          "sync: keep following new changes until interrupted");
// Defined in cli/main.cc.
ABSL_DECLARE_FLAG(absl::Duration, deadline);

namespace pumpurs::cli {
namespace {

namespace v1 = ::pumpurs::v1;
using ::pumpurs::client::Client;
using Args = std::vector<std::string>;

constexpr char kUsage[] =
    "usage: pumpurs sync [--sync_token=TOKEN | TOKEN] [--watch]";

int Usage(absl::string_view message) { return PlanUsage(message, kUsage); }

std::vector<std::string> Row(const v1::Change& c) {
  return {absl::StrCat(c.sequence()), TimeText(c.change_time()),
          EnumWord(c.kind()), c.resource()};
}

int Watch(const Client& client, const std::string& token) {
  v1::WatchChangesRequest request;
  request.set_sync_token(token);
  pumpurs::client::CallOptions options;
  // Only an explicit --deadline limits a watch.
  if (FlagGiven("deadline")) options.deadline = absl::GetFlag(FLAGS_deadline);
  const bool json = absl::GetFlag(FLAGS_json);
  absl::Status status = client.WatchChanges(
      request,
      [&](const v1::WatchChangesResponse& batch) {
        if (json) {
          PrintJsonLine(batch);
          return true;
        }
        if (batch.changes().empty()) return true;  // a heartbeat
        for (const v1::Change& c : batch.changes()) {
          std::vector<std::string> row = Row(c);
          std::printf("%s  %s  %s  %s\n", row[0].c_str(), row[1].c_str(),
                      row[2].c_str(), row[3].c_str());
        }
        std::printf("sync_token: %s\n", batch.sync_token().c_str());
        std::fflush(stdout);
        return true;
      },
      options);
  return status.ok() ? 0 : Fail(status);
}

int Sync(const Client& client, const Args& args) {
  if (args.size() > 1) return Usage("sync takes at most one TOKEN");
  std::string token = absl::GetFlag(FLAGS_sync_token);
  if (!args.empty()) {
    if (!token.empty()) return Usage("give the token once");
    token = args[0];
  }
  if (absl::GetFlag(FLAGS_watch)) return Watch(client, token);
  v1::ListChangesRequest request;
  request.set_sync_token(token);
  request.set_page_size(absl::GetFlag(FLAGS_page_size));
  v1::ListChangesResponse all;
  for (;;) {
    absl::StatusOr<v1::ListChangesResponse> page = client.ListChanges(request);
    if (!page.ok()) return Fail(page.status());
    for (const v1::Change& c : page->changes()) *all.add_changes() = c;
    all.set_next_sync_token(page->next_sync_token());
    if (!page->has_more()) break;
    if (page->next_sync_token() == request.sync_token()) {
      std::fprintf(stderr,
                   "pumpurs: the server returned the same page twice\n");
      return 1;
    }
    request.set_sync_token(page->next_sync_token());
  }
  if (absl::GetFlag(FLAGS_json)) return PrintJson(all);
  Table table({"SEQUENCE", "TIME", "KIND", "RESOURCE"});
  for (const v1::Change& c : all.changes()) table.AddRow(Row(c));
  if (table.rows() > 0) std::fputs(table.Render().c_str(), stdout);
  std::printf("next_sync_token: %s\n", all.next_sync_token().c_str());
  return 0;
}

}  // namespace

Command SyncCommand() { return {"sync", Sync}; }

}  // namespace pumpurs::cli
