package lv.pumpurs.client;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * A failed call: the gRPC status code, the server's English message, the machine-readable reason
 * (google.rpc.ErrorInfo, e.g. "ETAG_MISMATCH"; see docs/API.md) and, for a rejected request, the
 * field violations (google.rpc.BadRequest).
 *
 * <p>Branch on {@link #getCode()} and {@link #getReason()}, never on the message text. Errors that
 * did not come from a Pumpurs server (no connection: UNAVAILABLE; DEADLINE_EXCEEDED) have an empty
 * reason.
 */
public final class PumpursException extends Exception {
  private static final long serialVersionUID = 1L;

  // The gRPC status codes (io.grpc.Status.Code without depending on grpc-java).
  public static final int CANCELLED = 1;
  public static final int UNKNOWN = 2;
  public static final int INVALID_ARGUMENT = 3;
  public static final int DEADLINE_EXCEEDED = 4;
  public static final int NOT_FOUND = 5;
  public static final int ALREADY_EXISTS = 6;
  public static final int PERMISSION_DENIED = 7;
  public static final int RESOURCE_EXHAUSTED = 8;
  public static final int FAILED_PRECONDITION = 9;
  public static final int ABORTED = 10;
  public static final int OUT_OF_RANGE = 11;
  public static final int UNIMPLEMENTED = 12;
  public static final int INTERNAL = 13;
  public static final int UNAVAILABLE = 14;
  public static final int DATA_LOSS = 15;
  public static final int UNAUTHENTICATED = 16;

  /** One bad field of a rejected request, e.g. ("support_plan.problem_description", "..."). */
  public static final class FieldViolation {
    private final String field;
    private final String description;

    public FieldViolation(String field, String description) {
      this.field = Objects.requireNonNull(field);
      this.description = Objects.requireNonNull(description);
    }

    /** The field's path in the request, e.g. "support_plan.risks[0].description". */
    public String getField() {
      return field;
    }

    /** What is wrong with it (English). */
    public String getDescription() {
      return description;
    }

    @Override
    public boolean equals(Object o) {
      if (!(o instanceof FieldViolation)) return false;
      FieldViolation v = (FieldViolation) o;
      return field.equals(v.field) && description.equals(v.description);
    }

    @Override
    public int hashCode() {
      return field.hashCode() * 31 + description.hashCode();
    }

    @Override
    public String toString() {
      return field + ": " + description;
    }
  }

  private final int code;
  private final String codeName;
  private final String reason;
  private final List<FieldViolation> fieldViolations;

  PumpursException(
      int code,
      String codeName,
      String message,
      String reason,
      List<FieldViolation> fieldViolations,
      Throwable cause) {
    super(message, cause);
    this.code = code;
    this.codeName = codeName;
    this.reason = reason;
    this.fieldViolations = Collections.unmodifiableList(new ArrayList<>(fieldViolations));
  }

  // Called by the JNI glue (pumpurs_jni.cc). The strings cross as UTF-8 bytes
  // because JNI's NewStringUTF expects "modified UTF-8" and would mangle (or,
  // with Android's CheckJNI, abort on) characters outside the BMP. Layout:
  // {codeName, message, reason, field0, description0, field1, ...}.
  @SuppressWarnings("unused")
  private PumpursException(int code, byte[][] strings) {
    this(code, utf8(strings[0]), utf8(strings[1]), utf8(strings[2]), violations(strings), null);
  }

  private static String utf8(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }

  private static List<FieldViolation> violations(byte[][] strings) {
    List<FieldViolation> list = new ArrayList<>();
    for (int i = 3; i + 1 < strings.length; i += 2) {
      list.add(new FieldViolation(utf8(strings[i]), utf8(strings[i + 1])));
    }
    return list;
  }

  /** The gRPC status code, e.g. {@link #NOT_FOUND} (5). */
  public int getCode() {
    return code;
  }

  /** The code's name, e.g. "NOT_FOUND". */
  public String getCodeName() {
    return codeName;
  }

  /** The machine-readable reason, e.g. "ETAG_MISMATCH"; "" if none. */
  public String getReason() {
    return reason;
  }

  /** The field violations of a rejected request (INVALID_ARGUMENT), in the server's order. */
  public List<FieldViolation> getFieldViolations() {
    return fieldViolations;
  }

  @Override
  public String toString() {
    StringBuilder s = new StringBuilder("PumpursException: ").append(codeName);
    if (!reason.isEmpty()) s.append(" (").append(reason).append(')');
    s.append(": ").append(getMessage());
    return s.toString();
  }
}
