package dev.camelbitrix24.component.client;

/**
 * A successful delete: how many times it was sent, whether a retry confirmed it, and the last reply's figures.
 *
 * @param confirmedOnRetry true when an attempt that may have reached Bitrix24 was followed by a retry answering
 *                         {@code Activity is not found.}
 */
public record DeleteResult(long id, int attempts, boolean confirmedOnRetry, int httpStatus, TimeFigures time) {
}
