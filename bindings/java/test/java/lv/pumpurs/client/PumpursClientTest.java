package lv.pumpurs.client;

import com.google.protobuf.FieldMask;
import java.io.File;
import java.nio.file.Files;
import java.util.List;
import java.util.Optional;
import lv.pumpurs.v1.Change;
import lv.pumpurs.v1.ListSupportPlansRequest;
import lv.pumpurs.v1.ListSupportPlansResponse;
import lv.pumpurs.v1.OutboxConflict;
import lv.pumpurs.v1.OutboxMutation;
import lv.pumpurs.v1.PlanState;
import lv.pumpurs.v1.ReplayReport;
import lv.pumpurs.v1.ServerInfo;
import lv.pumpurs.v1.Session;
import lv.pumpurs.v1.SupportPlan;
import lv.pumpurs.v1.SyncReport;
import lv.pumpurs.v1.UpdateSupportPlanRequest;

/**
 * The Java binding against a real pumpurs-server --demo at $PUMPURS_TARGET (started by the ctest
 * wrapper). A plain main: every check that fails throws, and main exits 1 (no JUnit on these
 * machines). Each check prints one line, so a failure shows how far it got.
 */
public final class PumpursClientTest {
  private static final String PASSWORD = "demo-parole-2026";
  private static int checks = 0;

  private static void check(boolean condition, String what) {
    if (!condition) throw new AssertionError("FAILED: " + what);
    checks++;
    System.out.println("ok " + checks + " - " + what);
  }

  private interface Body {
    void run() throws Exception;
  }

  /** Runs body, which must throw PumpursException; returns it. */
  private static PumpursException expectError(String what, Body body) throws Exception {
    try {
      body.run();
    } catch (PumpursException e) {
      System.out.println("   (" + what + ": " + e + ")");
      return e;
    }
    throw new AssertionError("FAILED: " + what + " did not throw PumpursException");
  }

  public static void main(String[] args) {
    try {
      run();
      System.out.println("PASS: " + checks + " checks");
    } catch (Throwable t) {
      t.printStackTrace();
      System.exit(1);
    }
  }

  private static String target() {
    String target = System.getenv("PUMPURS_TARGET");
    if (target == null || target.isEmpty()) {
      throw new IllegalStateException("PUMPURS_TARGET is not set (run through ctest)");
    }
    return target;
  }

  private static void run() throws Exception {
    check(!PumpursClient.version().isEmpty(), "version() is non-empty");
    signInAndRead();
    errors();
    closing();
    offline();
  }

  private static PumpursClient signedIn(String user) throws PumpursException {
    PumpursClient client = PumpursClient.newBuilder().setTarget(target()).setGzip(true).build();
    client.signIn(user, PASSWORD);
    return client;
  }

  private static void signInAndRead() throws Exception {
    try (PumpursClient client = PumpursClient.newBuilder().setTarget(target()).build()) {
      check(!client.session().isPresent(), "no session before signIn");
      Session session = client.signIn("direktors1", PASSWORD);
      check(!session.getAccessToken().isEmpty(), "signIn returns an access token");
      check(!session.getRefreshToken().isEmpty(), "signIn returns a refresh token");
      Optional<Session> kept = client.session();
      check(
          kept.isPresent() && kept.get().getAccessToken().equals(session.getAccessToken()),
          "session() returns the signed-in session");

      ServerInfo info = client.getServerInfo();
      check(!info.getVersion().isEmpty(), "getServerInfo: version " + info.getVersion());
      check(info.getSchemaVersion() > 0, "getServerInfo: schema version > 0");

      ListSupportPlansResponse plans =
          client.listSupportPlans(ListSupportPlansRequest.getDefaultInstance());
      check(plans.getSupportPlansCount() > 0, "listSupportPlans returns plans");
      for (SupportPlan p : plans.getSupportPlansList()) {
        check(
            p.getName().startsWith("supportPlans/") && !p.getEtag().isEmpty(),
            "plan " + p.getName() + " has a name and an etag");
        break;
      }
      SupportPlan first = plans.getSupportPlans(0);
      SupportPlan again = client.getSupportPlan(first.getName());
      check(again.getName().equals(first.getName()), "getSupportPlan reads the listed plan");

      // The generic call with the same request gives the same answer.
      ListSupportPlansResponse generic =
          client.call(
              Methods.LIST_SUPPORT_PLANS,
              ListSupportPlansRequest.getDefaultInstance(),
              ListSupportPlansResponse.parser(),
              5000);
      check(
          generic.getSupportPlansCount() == plans.getSupportPlansCount(),
          "call() with a per-call deadline matches the typed call");

      // A new client resumes from the stored session without signing in.
      try (PumpursClient resumed =
          PumpursClient.newBuilder().setTarget(target()).setSession(session).build()) {
        check(
            resumed.listSupportPlans(ListSupportPlansRequest.getDefaultInstance())
                    .getSupportPlansCount()
                == plans.getSupportPlansCount(),
            "a client built with setSession is signed in");
      }
    }
  }

  private static void errors() throws Exception {
    // The national administrator may see any plan, so a missing one is
    // NOT_FOUND for them (others get PERMISSION_DENIED: no existence leak).
    try (PumpursClient admin = signedIn("admin")) {
      PumpursException notFound =
          expectError(
              "getSupportPlan of a missing plan",
              () -> admin.getSupportPlan("supportPlans/999999999"));
      check(notFound.getCode() == PumpursException.NOT_FOUND, "missing plan: code NOT_FOUND (5)");
      check(notFound.getCodeName().equals("NOT_FOUND"), "missing plan: code name NOT_FOUND");
      check(notFound.getReason().equals("RESOURCE_NOT_FOUND"), "missing plan: reason");
      check(notFound.getFieldViolations().isEmpty(), "missing plan: no field violations");
      check(!notFound.getMessage().isEmpty(), "missing plan: a message");
    }

    try (PumpursClient client = signedIn("direktors1")) {
      PumpursException denied =
          expectError(
              "getSupportPlan of a missing plan as direktors1",
              () -> client.getSupportPlan("supportPlans/999999999"));
      check(
          denied.getCode() == PumpursException.PERMISSION_DENIED
              && denied.getReason().equals("PERMISSION_DENIED"),
          "missing plan as direktors1: PERMISSION_DENIED");

      PumpursException malformed =
          expectError("getSupportPlan of a malformed name", () -> client.getSupportPlan("bad"));
      check(
          malformed.getCode() == PumpursException.INVALID_ARGUMENT,
          "malformed name: INVALID_ARGUMENT (3)");
      check(malformed.getReason().equals("INVALID_ARGUMENT"), "malformed name: reason");
      check(
          malformed.getFieldViolations().size() == 1
              && malformed.getFieldViolations().get(0).getField().equals("name"),
          "malformed name: one violation of field name");

      // A draft of school 1 with a too-long problem description.
      SupportPlan draft = firstDraft(client);
      StringBuilder tooLong = new StringBuilder();
      for (int i = 0; i < 5000; i++) tooLong.append('ā');
      UpdateSupportPlanRequest bad =
          UpdateSupportPlanRequest.newBuilder()
              .setSupportPlan(
                  SupportPlan.newBuilder()
                      .setName(draft.getName())
                      .setEtag(draft.getEtag())
                      .setProblemDescription(tooLong.toString()))
              .setUpdateMask(FieldMask.newBuilder().addPaths("problem_description"))
              .build();
      PumpursException invalid =
          expectError("updateSupportPlan with a too long text", () -> client.updateSupportPlan(bad));
      check(invalid.getCode() == PumpursException.INVALID_ARGUMENT, "too long: INVALID_ARGUMENT");
      check(invalid.getReason().equals("INVALID_ARGUMENT"), "too long: reason INVALID_ARGUMENT");
      List<PumpursException.FieldViolation> violations = invalid.getFieldViolations();
      check(violations.size() == 1, "too long: one field violation");
      check(
          violations.get(0).getField().equals("support_plan.problem_description"),
          "too long: the violation names support_plan.problem_description");
      check(!violations.get(0).getDescription().isEmpty(), "too long: the violation says why");

      PumpursException stale =
          expectError(
              "updateSupportPlan with a stale etag",
              () ->
                  client.updateSupportPlan(
                      UpdateSupportPlanRequest.newBuilder()
                          .setSupportPlan(
                              SupportPlan.newBuilder()
                                  .setName(draft.getName())
                                  .setEtag("\"stale\"")
                                  .setProblemDescription("x"))
                          .setUpdateMask(FieldMask.newBuilder().addPaths("problem_description"))
                          .build()));
      check(stale.getCode() == PumpursException.ABORTED, "stale etag: ABORTED");
      check(stale.getReason().equals("ETAG_MISMATCH"), "stale etag: reason ETAG_MISMATCH");

      PumpursException unknown =
          expectError(
              "an unknown method",
              () ->
                  client.call(
                      "/pumpurs.v1.NoService/Nothing",
                      ListSupportPlansRequest.getDefaultInstance(),
                      SupportPlan.parser()));
      check(unknown.getCode() == PumpursException.INVALID_ARGUMENT, "unknown method: rejected");
    }

    try (PumpursClient client = PumpursClient.newBuilder().setTarget(target()).build()) {
      PumpursException wrong =
          expectError("signIn with a wrong password", () -> client.signIn("direktors1", "nav"));
      check(wrong.getCode() == PumpursException.UNAUTHENTICATED, "wrong password: UNAUTHENTICATED");
      PumpursException anonymous =
          expectError(
              "listSupportPlans without signing in",
              () -> client.listSupportPlans(ListSupportPlansRequest.getDefaultInstance()));
      check(
          anonymous.getCode() == PumpursException.UNAUTHENTICATED,
          "no session: UNAUTHENTICATED");
      try {
        client.signIn("direktors1", "a\0b");
        check(false, "a password with NUL is rejected");
      } catch (IllegalArgumentException e) {
        check(true, "a password with NUL is rejected before reaching C");
      }
    }

    // Nothing listens on port 1 of loopback: UNAVAILABLE, with no reason.
    try (PumpursClient down =
        PumpursClient.newBuilder()
            .setTarget("127.0.0.1:1")
            .setDeadline(2, java.util.concurrent.TimeUnit.SECONDS)
            .build()) {
      PumpursException e = expectError("a call to a server that is down", down::getServerInfo);
      check(
          e.getCode() == PumpursException.UNAVAILABLE
              || e.getCode() == PumpursException.DEADLINE_EXCEEDED,
          "server down: UNAVAILABLE or DEADLINE_EXCEEDED");
      check(e.getReason().isEmpty(), "server down: no reason");
    }
  }

  private static SupportPlan firstDraft(PumpursClient client) throws PumpursException {
    ListSupportPlansResponse drafts =
        client.listSupportPlans(
            ListSupportPlansRequest.newBuilder().setState(PlanState.PLAN_STATE_DRAFT).build());
    check(drafts.getSupportPlansCount() > 0, "direktors1 sees a draft plan");
    return drafts.getSupportPlans(0);
  }

  private static void closing() throws Exception {
    PumpursClient client = PumpursClient.newBuilder().setTarget(target()).build();
    client.close();
    client.close();
    check(true, "close() twice is safe");
    try {
      client.getServerInfo();
      check(false, "a call after close() throws IllegalStateException");
    } catch (IllegalStateException e) {
      check(true, "a call after close() throws IllegalStateException");
    }

    // close() from another thread waits for a call in progress.
    final PumpursClient shared = signedIn("direktors1");
    final Throwable[] failure = new Throwable[1];
    Thread worker =
        new Thread(
            () -> {
              try {
                for (int i = 0; i < 20; i++) shared.getServerInfo();
              } catch (IllegalStateException e) {
                // closed under us: the expected end
              } catch (Throwable t) {
                failure[0] = t;
              }
            });
    worker.start();
    Thread.sleep(5);
    shared.close();
    worker.join();
    check(failure[0] == null, "close() during calls on another thread is safe");

    OfflineStore store = OfflineStore.open(tempFile("close").getPath());
    store.close();
    store.close();
    check(true, "OfflineStore.close() twice is safe");
  }

  private static File tempFile(String name) throws Exception {
    File dir = Files.createTempDirectory("pumpurs-java-").toFile();
    dir.deleteOnExit();
    File f = new File(dir, name + ".db");
    f.deleteOnExit();
    return f;
  }

  private static void offline() throws Exception {
    File file = tempFile("offline");
    String draftName;
    String baseEtag;
    try (PumpursClient client = signedIn("direktors1");
        OfflineStore store = OfflineStore.open(file.getPath())) {
      SyncReport report = store.sync(client);
      check(report.getChanges() > 0, "sync pulls changes (" + report.getChanges() + ")");
      check(!report.getSyncToken().isEmpty(), "sync stores a sync token");

      List<Change> cached = store.list("supportPlans/");
      check(!cached.isEmpty(), "the cache lists support plans");
      SupportPlan draft = firstDraft(client);
      draftName = draft.getName();
      Optional<Change> got = store.get(draftName);
      check(got.isPresent(), "the draft is cached");
      check(got.get().getSupportPlan().getEtag().equals(draft.getEtag()), "cached etag is current");
      baseEtag = draft.getEtag();
      check(!store.get("supportPlans/999999999").isPresent(), "a missing resource: empty");

      SyncReport again = store.sync(client);
      check(again.getChanges() == 0, "a second sync has nothing new");
    }

    // A new client and store on the same file: the cache and the outbox
    // survive, as after the app was killed.
    try (PumpursClient client = signedIn("direktors1");
        OfflineStore store = OfflineStore.open(file.getPath())) {
      check(store.get(draftName).isPresent(), "the cache survives reopening");

      UpdateSupportPlanRequest edit =
          UpdateSupportPlanRequest.newBuilder()
              .setSupportPlan(
                  SupportPlan.newBuilder()
                      .setName(draftName)
                      .setEtag(baseEtag)
                      .setProblemDescription("Rediģēts bezsaistē (Java).")) // edited offline
              .setUpdateMask(FieldMask.newBuilder().addPaths("problem_description"))
              .build();
      OutboxMutation queued = store.enqueue(Methods.UPDATE_SUPPORT_PLAN, edit, draftName, baseEtag);
      check(queued.getId() > 0, "enqueue returns the entry with an id");
      check(store.pending().size() == 1, "the outbox holds the edit");

      ReplayReport replay = store.replay(client);
      check(replay.getApplied() == 1 && replay.getConflicts() == 0, "replay applies the edit");
      check(store.pending().isEmpty(), "the outbox is empty after the replay");
      SupportPlan now = client.getSupportPlan(draftName);
      check(
          now.getProblemDescription().equals("Rediģēts bezsaistē (Java)."),
          "the server has the edit");

      // An edit made on the old version: the server refuses it (ABORTED),
      // and the store reports it instead of overwriting.
      UpdateSupportPlanRequest staleEdit =
          edit.toBuilder()
              .setSupportPlan(edit.getSupportPlan().toBuilder().setProblemDescription("Vecs."))
              .build();
      store.enqueue(Methods.UPDATE_SUPPORT_PLAN, staleEdit, draftName, baseEtag);
      ReplayReport second = store.replay(client);
      check(second.getConflicts() == 1 && second.getApplied() == 0, "a stale edit is a conflict");
      List<OutboxConflict> conflicts = store.conflicts();
      check(conflicts.size() == 1, "conflicts() lists it");
      OutboxConflict c = conflicts.get(0);
      check(c.getCode() == PumpursException.ABORTED, "the conflict is ABORTED");
      check(c.getReason().equals("ETAG_MISMATCH"), "the conflict's reason is ETAG_MISMATCH");
      check(
          c.getServerVersion().getSupportPlan().getProblemDescription()
              .equals("Rediģēts bezsaistē (Java)."),
          "the conflict carries the server's version");
      check(
          client.getSupportPlan(draftName).getProblemDescription()
              .equals("Rediģēts bezsaistē (Java)."),
          "the server's version was not overwritten");
      store.dropConflict(c.getMutation().getId());
      check(store.conflicts().isEmpty(), "dropConflict forgets it");
      PumpursException gone =
          expectError("dropConflict of an unknown id", () -> store.dropConflict(987654321L));
      check(gone.getCode() == PumpursException.NOT_FOUND, "dropConflict of an unknown id: NOT_FOUND");
    }
  }
}
