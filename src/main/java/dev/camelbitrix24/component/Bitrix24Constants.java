package dev.camelbitrix24.component;

import org.apache.camel.spi.Metadata;

/**
 * Message headers read and written by the bitrix24 component.
 */
public final class Bitrix24Constants {

    @Metadata(label = "producer", description = "The id of the activity to delete, used when the body carries none "
            + "(the body wins: a number, a string of digits, or a Map/JSON object with id); else the endpoint option activityId.",
              javaType = "Long")
    public static final String ACTIVITY_ID = "CamelBitrix24ActivityId";

    @Metadata(label = "producer", description = "The outcome of the call: DELETED (crm.activity.delete), LISTED "
            + "(crm.activity.list), or the error type (see Bitrix24ErrorType).",
              javaType = "String")
    public static final String OUTCOME = "CamelBitrix24Outcome";

    @Metadata(label = "producer", description = "True when the delete was confirmed by a retry that answered "
            + "'Activity is not found.' after an attempt that may have reached Bitrix24.", javaType = "Boolean")
    public static final String CONFIRMED_ON_RETRY = "CamelBitrix24ConfirmedOnRetry";

    @Metadata(label = "producer", description = "How many times the call was sent.", javaType = "Integer")
    public static final String ATTEMPTS = "CamelBitrix24Attempts";

    @Metadata(label = "producer", description = "The HTTP status of the last reply, when there was one.", javaType = "Integer")
    public static final String HTTP_STATUS = "CamelBitrix24HttpStatus";

    @Metadata(label = "producer", description = "Bitrix24's error code as received (may be empty); absent on success.",
              javaType = "String")
    public static final String ERROR_CODE = "CamelBitrix24ErrorCode";

    @Metadata(label = "producer", description = "Bitrix24's error_description as received, or why the request is invalid; "
            + "absent on success.", javaType = "String")
    public static final String ERROR_DESCRIPTION = "CamelBitrix24ErrorDescription";

    @Metadata(label = "producer", description = "Bitrix24's time.operating of the last reply: seconds this method has used "
            + "in the current operating-time window.", javaType = "Double")
    public static final String TIME_OPERATING = "CamelBitrix24TimeOperating";

    @Metadata(label = "producer", description = "Bitrix24's time.operating_reset_at of the last reply (unix seconds).",
              javaType = "Long")
    public static final String TIME_OPERATING_RESET_AT = "CamelBitrix24TimeOperatingResetAt";

    @Metadata(label = "producer", description = "Bitrix24's time.duration of the last reply (seconds).", javaType = "Double")
    public static final String TIME_DURATION = "CamelBitrix24TimeDuration";

    private Bitrix24Constants() {
    }

    @Metadata(label = "producer", description = "In: true when an earlier attempt at this delete may have reached "
            + "Bitrix24 without its answer arriving (a crash, a timeout, a stop), so that 'Activity is not found.' means "
            + "deleted (DELETED, confirmedOnRetry true). Out, on failure: whether any attempt of this call may have "
            + "reached Bitrix24; send it again with this header to keep the outcome true.", javaType = "Boolean")
    public static final String MAY_HAVE_DELETED = "CamelBitrix24MayHaveDeleted";

    @Metadata(label = "producer", description = "On a Bitrix24RetryLaterException: the earliest moment (epoch "
            + "milliseconds) at which the call is worth making again.", javaType = "Long")
    public static final String RETRY_AT = "CamelBitrix24RetryAt";

    @Metadata(label = "producer", description = "On a Bitrix24RetryLaterException caused by the portal: why it waits "
            + "(OPERATING_TIME_LIMIT, REQUEST_RATE_LIMIT or PORTAL_UNREACHABLE).", javaType = "String")
    public static final String PORTAL_WAIT = "CamelBitrix24PortalWait";

    @Metadata(label = "producer", description = "crm.activity.list, in: the cursor of keyset paging, the page lists the "
            + "activities with an ID above it (0 or absent: the first page).", javaType = "Long")
    public static final String LIST_AFTER_ID = "CamelBitrix24ListAfterId";

    @Metadata(label = "producer", description = "crm.activity.list, out: the cursor of the next page, the last ID of "
            + "this one (the cursor itself when the page is empty).", javaType = "Long")
    public static final String LIST_AFTER_ID_NEXT = "CamelBitrix24ListAfterIdNext";

    @Metadata(label = "producer", description = "crm.activity.list, out: whether another page may follow (this one "
            + "was full, 50 ids); false on the last page.", javaType = "Boolean")
    public static final String LIST_MORE = "CamelBitrix24ListMore";
}
