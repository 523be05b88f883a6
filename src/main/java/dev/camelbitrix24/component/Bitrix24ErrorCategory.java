package dev.camelbitrix24.component;

/**
 * Where a failed delete belongs: the four kinds of outcome other than success that a pipeline routes apart.
 */
public enum Bitrix24ErrorCategory {
    /** Bitrix24 answered {@code Activity is not found.}: absent, already deleted, or not readable by the caller. */
    NOT_FOUND,
    /** A permanent refusal: permissions, application context, authentication, scope, or the portal refusing the method. */
    REJECTED,
    /** The request itself is malformed; it was never sent to Bitrix24. */
    INVALID,
    /** A transient failure that outlived every retry: limits, server errors, network. Safe to replay later. */
    TRANSIENT
}
