package lv.pumpurs.client;

/**
 * Full gRPC method names for {@link PumpursClient#call} and {@link
 * lv.pumpurs.v1.OutboxMutation#getMethod()}: "/pumpurs.v1.&lt;Service&gt;/&lt;Rpc&gt;" as in
 * proto/pumpurs/v1/*.proto. Only the common ones are listed; any other works the same way.
 */
public final class Methods {
  private Methods() {}

  public static final String GET_SERVER_INFO = "/pumpurs.v1.SystemService/GetServerInfo";
  public static final String WHO_AM_I = "/pumpurs.v1.AuthService/WhoAmI";
  public static final String LIST_CHANGES = "/pumpurs.v1.SyncService/ListChanges";
  public static final String GET_SUPPORT_PLAN = "/pumpurs.v1.SupportPlanService/GetSupportPlan";
  public static final String LIST_SUPPORT_PLANS = "/pumpurs.v1.SupportPlanService/ListSupportPlans";
  public static final String UPDATE_SUPPORT_PLAN =
      "/pumpurs.v1.SupportPlanService/UpdateSupportPlan";
  public static final String RECORD_DELIVERY = "/pumpurs.v1.SupportPlanService/RecordDelivery";
  public static final String LIST_DELIVERIES = "/pumpurs.v1.SupportPlanService/ListDeliveries";
}
