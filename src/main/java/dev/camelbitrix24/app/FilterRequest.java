package dev.camelbitrix24.app;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.camelbitrix24.component.ActivityFilter;
import dev.camelbitrix24.component.Bitrix24Exception;

/**
 * A request to delete every activity a filter selects: {@code {"filter":{...},"requestId":"erase-42"}}, optionally
 * {@code "dryRun":true} (list and count, delete nothing). Other fields are ignored, so that the summary of a filter
 * that had failures, whose value carries the counts too, is itself a filter request: replayed, it runs the filter
 * again, and only what is left is listed. A value with both a filter and an id could be read two ways and is invalid.
 */
public record FilterRequest(ActivityFilter filter, String requestId, boolean dryRun) {

    private static final byte[] FILTER_FIELD = "\"filter\"".getBytes(StandardCharsets.US_ASCII);
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION).build();

    /**
     * The filter request a value holds, or null when it is not one (no top-level {@code filter}: an id request or a
     * malformed value, which {@link DeletionRequest} reads and describes). Throws {@link InvalidRequestException}
     * for a filter request that cannot run.
     */
    public static FilterRequest parseOrNull(byte[] value) {
        if (value == null || indexOf(value, FILTER_FIELD) < 0) {
            // the common case, an id request, costs one scan of its bytes
            return null;
        }
        JsonNode root;
        try {
            root = MAPPER.readTree(value);
        } catch (IOException e) {
            // not JSON, or a top-level field given twice: DeletionRequest says which
            return null;
        }
        if (root == null || !root.isObject() || !root.has("filter")) {
            return null;
        }
        String requestId = requestId(root.get("requestId"));
        if (root.has("id") || root.has("ID")) {
            throw new InvalidRequestException("the request carries both a filter and an id; a request that could be read "
                    + "two ways deletes nothing", requestId);
        }
        JsonNode dryRun = root.get("dryRun");
        if (dryRun != null && !dryRun.isNull() && !dryRun.isBoolean()) {
            throw new InvalidRequestException("dryRun must be true or false", requestId);
        }
        try {
            return new FilterRequest(ActivityFilter.of(root.get("filter")), requestId,
                    dryRun != null && dryRun.asBoolean());
        } catch (Bitrix24Exception invalid) {
            throw new InvalidRequestException(invalid.getErrorDescription(), requestId);
        }
    }

    private static String requestId(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            throw new InvalidRequestException("requestId must be a string", null);
        }
        String requestId = node.textValue();
        if (requestId.codePointCount(0, requestId.length()) > DeletionRequest.REQUEST_ID_LIMIT) {
            throw new InvalidRequestException("requestId is longer than " + DeletionRequest.REQUEST_ID_LIMIT
                    + " characters", null);
        }
        return requestId;
    }

    private static int indexOf(byte[] value, byte[] part) {
        outer:
        for (int i = 0; i <= value.length - part.length; i++) {
            for (int j = 0; j < part.length; j++) {
                if (value[i + j] != part[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
