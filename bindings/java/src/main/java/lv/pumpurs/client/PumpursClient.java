package lv.pumpurs.client;

import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import lv.pumpurs.v1.Account;
import lv.pumpurs.v1.DeliveryRecord;
import lv.pumpurs.v1.GetServerInfoRequest;
import lv.pumpurs.v1.GetSupportPlanRequest;
import lv.pumpurs.v1.ListChangesRequest;
import lv.pumpurs.v1.ListChangesResponse;
import lv.pumpurs.v1.ListSupportPlansRequest;
import lv.pumpurs.v1.ListSupportPlansResponse;
import lv.pumpurs.v1.RecordDeliveryRequest;
import lv.pumpurs.v1.ServerInfo;
import lv.pumpurs.v1.Session;
import lv.pumpurs.v1.SupportPlan;
import lv.pumpurs.v1.UpdateSupportPlanRequest;
import lv.pumpurs.v1.WhoAmIRequest;

/**
 * A connection to one Pumpurs server, over the C ABI (libpumpurs) through JNI.
 *
 * <pre>{@code
 * try (PumpursClient client = PumpursClient.newBuilder().setTarget("host:443")
 *          .setTlsRoots(pem).build()) {
 *   client.signIn("pedagogs1", password);
 *   ListSupportPlansResponse plans =
 *       client.listSupportPlans(ListSupportPlansRequest.getDefaultInstance());
 * } catch (PumpursException e) {
 *   // e.getCode(), e.getReason(), e.getFieldViolations()
 * }
 * }</pre>
 *
 * <p>Every call blocks the calling thread until the response, an error or the deadline: call from
 * a background thread (on Android never from the main thread). Thread-safe: any number of threads
 * may use one client at once. {@link #close()} waits for the calls in progress, is idempotent, and
 * later calls throw IllegalStateException. Close every client (try-with-resources): the native
 * channel is not freed by the garbage collector.
 *
 * <p>Reads and creates are retried on UNAVAILABLE within the deadline; a create's empty request_id
 * is filled in, so a retry cannot create twice. Updates are never retried.
 */
public final class PumpursClient implements AutoCloseable {
  private final NativeHandle handle;

  private PumpursClient(long handle) {
    this.handle = new NativeHandle("PumpursClient", handle, Native::clientFree);
  }

  /** The library's version, e.g. "0.7.0". */
  public static String version() {
    return new String(Native.version(), StandardCharsets.UTF_8);
  }

  public static Builder newBuilder() {
    return new Builder();
  }

  /** The options of a client; see pumpurs_options_* in pumpurs.h. */
  public static final class Builder {
    private String target = "127.0.0.1:50051";
    private String tlsRootsPem;
    private String clientCertPem;
    private String clientKeyPem;
    private String accessToken;
    private Session session;
    private long deadlineMillis;
    private boolean gzip;

    private Builder() {}

    /** "host:port" (default "127.0.0.1:50051"). */
    public Builder setTarget(String target) {
      this.target = Objects.requireNonNull(target);
      return this;
    }

    /** PEM roots to verify the server with; null (the default) for plaintext, loopback only. */
    public Builder setTlsRoots(String pem) {
      this.tlsRootsPem = pem;
      return this;
    }

    /** Mutual TLS: the client's PEM certificate chain and private key (needs TLS roots). */
    public Builder setClientCertificate(String certPem, String keyPem) {
      this.clientCertPem = Objects.requireNonNull(certPem);
      this.clientKeyPem = Objects.requireNonNull(keyPem);
      return this;
    }

    /** A fixed bearer token (an API key or an access token). */
    public Builder setAccessToken(String token) {
      this.accessToken = token;
      return this;
    }

    /**
     * A stored session (from {@link #signIn} or {@link #session()}): its access token is sent and
     * renewed automatically. Store the renewed one ({@link #session()}): a refresh token works
     * once.
     */
    public Builder setSession(Session session) {
      this.session = session;
      return this;
    }

    /** The deadline of every call (default 10 s). */
    public Builder setDeadline(long amount, TimeUnit unit) {
      long millis = unit.toMillis(amount);
      if (millis <= 0) throw new IllegalArgumentException("the deadline must be positive");
      this.deadlineMillis = millis;
      return this;
    }

    /** Compress requests with gzip. */
    public Builder setGzip(boolean gzip) {
      this.gzip = gzip;
      return this;
    }

    /**
     * Makes the client. It connects lazily, so this succeeds for a server that is down; the first
     * call reports it. Throws INVALID_ARGUMENT for bad options (e.g. an empty target).
     */
    public PumpursClient build() throws PumpursException {
      long h =
          Native.clientNew(
              Native.utf8(target, "target"),
              Native.utf8(tlsRootsPem, "TLS roots"),
              Native.utf8(clientCertPem, "client certificate"),
              Native.utf8(clientKeyPem, "client key"),
              Native.utf8(accessToken, "access token"),
              session == null ? null : session.toByteArray(),
              deadlineMillis,
              gzip);
      return new PumpursClient(h);
    }
  }

  /**
   * Signs in (AuthService.Login); later calls send the session's token and renew it. Returns the
   * session for the app to store (securely: it holds the refresh token). Errors: UNAUTHENTICATED
   * for a wrong password, RESOURCE_EXHAUSTED when throttled.
   */
  public Session signIn(String username, String password) throws PumpursException {
    byte[] u = Native.utf8(Objects.requireNonNull(username), "username");
    byte[] p = Native.utf8(Objects.requireNonNull(password), "password");
    long h = handle.acquire();
    try {
      return NativeHandle.parse(Session.parser(), Native.signIn(h, u, p));
    } finally {
      handle.release();
    }
  }

  /** The current session (after sign-in or a renewal), if any. */
  public Optional<Session> session() throws PumpursException {
    long h = handle.acquire();
    byte[] bytes;
    try {
      bytes = Native.session(h);
    } finally {
      handle.release();
    }
    if (bytes == null) return Optional.empty();
    return Optional.of(NativeHandle.parse(Session.parser(), bytes));
  }

  /**
   * Any unary RPC by its full method name (see {@link Methods}), e.g. {@code
   * call(Methods.GET_SUPPORT_PLAN, request, SupportPlan.parser())}, with the client's deadline.
   * Works with the full and the lite protobuf runtime.
   */
  public <T extends MessageLite> T call(String method, MessageLite request, Parser<T> parser)
      throws PumpursException {
    return call(method, request, parser, 0);
  }

  /** As {@link #call(String, MessageLite, Parser)} with this call's own deadline (0: default). */
  public <T extends MessageLite> T call(
      String method, MessageLite request, Parser<T> parser, long deadlineMillis)
      throws PumpursException {
    byte[] m = Native.utf8(Objects.requireNonNull(method), "method");
    byte[] r = request.toByteArray();
    long h = handle.acquire();
    byte[] response;
    try {
      response = Native.call(h, m, r, deadlineMillis);
    } finally {
      handle.release();
    }
    return NativeHandle.parse(parser, response);
  }

  // ---- typed calls for the common methods (any other: call()) ----

  public ServerInfo getServerInfo() throws PumpursException {
    return call(
        Methods.GET_SERVER_INFO, GetServerInfoRequest.getDefaultInstance(), ServerInfo.parser());
  }

  public Account whoAmI() throws PumpursException {
    return call(Methods.WHO_AM_I, WhoAmIRequest.getDefaultInstance(), Account.parser());
  }

  public ListChangesResponse listChanges(ListChangesRequest request) throws PumpursException {
    return call(Methods.LIST_CHANGES, request, ListChangesResponse.parser());
  }

  /** One page of the plans the caller may see, newest first. */
  public ListSupportPlansResponse listSupportPlans(ListSupportPlansRequest request)
      throws PumpursException {
    return call(Methods.LIST_SUPPORT_PLANS, request, ListSupportPlansResponse.parser());
  }

  /** The plan "supportPlans/{id}". Errors: NOT_FOUND, PERMISSION_DENIED, INVALID_ARGUMENT. */
  public SupportPlan getSupportPlan(String name) throws PumpursException {
    return call(
        Methods.GET_SUPPORT_PLAN,
        GetSupportPlanRequest.newBuilder().setName(name).build(),
        SupportPlan.parser());
  }

  /**
   * Changes the fields in request.update_mask; conditional on support_plan.etag. Never retried.
   * Errors: ABORTED (reason ETAG_MISMATCH), FAILED_PRECONDITION (PLAN_NOT_EDITABLE),
   * INVALID_ARGUMENT (field violations), ...
   */
  public SupportPlan updateSupportPlan(UpdateSupportPlanRequest request) throws PumpursException {
    return call(Methods.UPDATE_SUPPORT_PLAN, request, SupportPlan.parser());
  }

  /** Records a delivery; an empty request_id is filled in (safe to retry). */
  public DeliveryRecord recordDelivery(RecordDeliveryRequest request) throws PumpursException {
    return call(Methods.RECORD_DELIVERY, request, DeliveryRecord.parser());
  }

  /** The handle for OfflineStore (pair with releaseHandle). */
  long acquireHandle() {
    return handle.acquire();
  }

  void releaseHandle() {
    handle.release();
  }

  /** Frees the native client after the calls in progress have returned. Idempotent. */
  @Override
  public void close() {
    handle.close();
  }
}
