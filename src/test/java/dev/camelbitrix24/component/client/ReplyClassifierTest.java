package dev.camelbitrix24.component.client;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.camelbitrix24.component.Bitrix24ErrorCategory;
import dev.camelbitrix24.component.Bitrix24ErrorType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class ReplyClassifierTest {

    private final ReplyClassifier classifier = new ReplyClassifier(new ObjectMapper());

    private static byte[] fixture(String name) throws IOException {
        try (InputStream in = ReplyClassifierTest.class.getResourceAsStream("/bitrix24-fixtures/" + name)) {
            return in.readAllBytes();
        }
    }

    private ReplyVerdict classify(int status, String body) {
        return classifier.classify(status, body.getBytes(StandardCharsets.UTF_8), "application/json");
    }

    @Test
    void documentedSuccessIsDeletedWithItsTimeFigures() throws IOException {
        ReplyVerdict verdict = classifier.classify(200, fixture("crm_activity_delete_success_200.json"), "application/json");

        assertThat(verdict.success()).isTrue();
        assertThat(verdict.time().operating()).isEqualTo(3.3076241016387939);
        assertThat(verdict.time().operatingResetAt()).isEqualTo(1705765533L);
        assertThat(verdict.time().duration()).isEqualTo(0.6196250915527344);
    }

    @Test
    void documentedDeleteErrorHasAnEmptyCodeAndIsAccessDenied() throws IOException {
        ReplyVerdict verdict = classifier.classify(400, fixture("crm_activity_delete_error_400.json"), "application/json");

        assertThat(verdict.type()).isEqualTo(Bitrix24ErrorType.ACCESS_DENIED);
        assertThat(verdict.errorCode()).isEmpty();
        assertThat(verdict.errorDescription()).isEqualTo("Access denied.");
        assertThat(verdict.httpStatus()).isEqualTo(400);
    }

    @Test
    void documentedInvalidIdIsARefusalAfterTheSendNotAnInvalidRequest() throws IOException {
        ReplyVerdict verdict = classifier.classify(400, fixture("crm_deal_delete_id_invalid_400.json"), "application/json");

        // INVALID_REQUEST (the invalid topic) is for requests never sent; this one was sent and Bitrix24 refused it
        assertThat(verdict.type()).isEqualTo(Bitrix24ErrorType.REFUSED);
        assertThat(verdict.type().category()).isEqualTo(Bitrix24ErrorCategory.REJECTED);
        assertThat(verdict.errorDescription()).isEqualTo("ID is not defined or invalid.");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "Activity is not found.        | NOT_FOUND",
            "Activity is not found         | NOT_FOUND",
            "Access denied.                | ACCESS_DENIED",
            "Access denied                 | ACCESS_DENIED",
            "Application context required. | APPLICATION_CONTEXT_REQUIRED",
            "Application context required  | APPLICATION_CONTEXT_REQUIRED",
            "ID is not defined or invalid. | REFUSED",
            "ID is not defined or invalid  | REFUSED",
            "Something nobody documented.  | REFUSED" })
    void deleteLadderIsReadFromTheDescriptionWithOrWithoutPeriod(String description, Bitrix24ErrorType expected) {
        ReplyVerdict verdict = classify(400, "{\"error\":\"\",\"error_description\":\"" + description + "\"}");

        assertThat(verdict.type()).isEqualTo(expected);
        assertThat(verdict.errorCode()).isEmpty();
        assertThat(verdict.errorDescription()).isEqualTo(description);
    }

    @ParameterizedTest(name = "{0} HTTP {1} -> {2}")
    @CsvSource({
            "QUERY_LIMIT_EXCEEDED, 503, RATE_LIMITED",
            "OPERATION_TIME_LIMIT, 429, OPERATION_TIME_LIMIT",
            "OVERLOAD_LIMIT, 503, OVERLOADED",
            "INTERNAL_SERVER_ERROR, 500, SERVER_ERROR",
            "ERROR_UNEXPECTED_ANSWER, 500, SERVER_ERROR",
            "ERROR_CORE, 500, SERVER_ERROR",
            "ERROR_CORE, 400, REFUSED",
            "NO_AUTH_FOUND, 401, AUTHENTICATION_FAILED",
            "expired_token, 401, AUTHENTICATION_FAILED",
            "invalid_token, 401, AUTHENTICATION_FAILED",
            "INVALID_CREDENTIALS, 401, AUTHENTICATION_FAILED",
            "INVALID_CREDENTIALS, 403, AUTHENTICATION_FAILED",
            "invalid_grant, 400, AUTHENTICATION_FAILED",
            "insufficient_scope, 403, INSUFFICIENT_SCOPE",
            "insufficient_scope, 401, INSUFFICIENT_SCOPE",
            "user_access_error, 403, ACCESS_DENIED",
            "user_access_error, 401, ACCESS_DENIED",
            "ACCESS_DENIED, 403, ACCESS_DENIED",
            "WRONG_AUTH_TYPE, 403, REFUSED",
            "INVALID_REQUEST, 400, REFUSED",
            "ERROR_METHOD_NOT_FOUND, 404, REFUSED",
            "PORTAL_DELETED, 500, REFUSED",
            "PORTAL_DELETED, 403, REFUSED",
            "PAYMENT_REQUIRED, 402, REFUSED",
            "WRONG_ENCODING, 500, SERVER_ERROR",
            "SOMETHING_NEW, 400, REFUSED",
            "SOMETHING_NEW, 409, REFUSED",
            "SOMETHING_NEW, 502, SERVER_ERROR",
            "SOMETHING_NEW, 503, SERVER_ERROR" })
    void systemErrorsAreTypedByTheirCode(String code, int status, Bitrix24ErrorType expected) {
        ReplyVerdict verdict = classify(status, "{\"error\":\"" + code + "\",\"error_description\":\"some text\"}");

        assertThat(verdict.type()).isEqualTo(expected);
        assertThat(verdict.errorCode()).isEqualTo(code);
        assertThat(verdict.errorDescription()).isEqualTo("some text");
        assertThat(verdict.httpStatus()).isEqualTo(status);
    }

    @ParameterizedTest(name = "{0} HTTP {1} -> {2}")
    @CsvSource({
            "query_limit_exceeded_503.json, 503, RATE_LIMITED, QUERY_LIMIT_EXCEEDED",
            "access_denied_application_context.json, 403, ACCESS_DENIED, ACCESS_DENIED",
            "invalid_credentials_error.json, 401, AUTHENTICATION_FAILED, INVALID_CREDENTIALS",
            "wrong_auth_type_error.json, 403, REFUSED, WRONG_AUTH_TYPE",
            "oauth_error_payment_required.json, 402, REFUSED, PAYMENT_REQUIRED",
            "error_envelope_generic.json, 400, REFUSED, ERROR_HANDLER_ALREADY_EXIST" })
    void documentedSystemErrorBodiesAreTyped(String file, int status, Bitrix24ErrorType expected, String code)
            throws IOException {
        ReplyVerdict verdict = classifier.classify(status, fixture(file), "application/json");

        assertThat(verdict.type()).isEqualTo(expected);
        assertThat(verdict.errorCode()).isEqualTo(code);
    }

    @Test
    void anErrorKeyCountsByItsPresenceEvenWhenNullAndAlongsideAResult() {
        assertThat(classify(400, "{\"error\":null,\"error_description\":\"Activity is not found.\"}").type())
                .isEqualTo(Bitrix24ErrorType.NOT_FOUND);
        assertThat(classify(200, "{\"result\":true,\"error\":\"\",\"error_description\":\"Access denied.\"}").type())
                .isEqualTo(Bitrix24ErrorType.ACCESS_DENIED);
    }

    @Test
    void anErrorWithoutDescriptionKeepsAnEmptyDescription() {
        ReplyVerdict verdict = classify(403, "{\"error\":\"insufficient_scope\"}");

        assertThat(verdict.type()).isEqualTo(Bitrix24ErrorType.INSUFFICIENT_SCOPE);
        assertThat(verdict.errorDescription()).isEmpty();
    }

    @ParameterizedTest(name = "HTTP {0}: {1}")
    @CsvSource(delimiter = '|', value = {
            "504 | <html><body>Gateway Time-out</body></html> | SERVER_ERROR",
            "200 | <html>maintenance</html>                    | SERVER_ERROR",
            "200 | {\"result\":tr                             | SERVER_ERROR",
            "200 | {\"result\":true,\"time\":{\"start\":1     | SERVER_ERROR",
            "500 | {\"error\":\"INTERNAL_SERV                 | SERVER_ERROR",
            "200 | [1,2,3]                                     | SERVER_ERROR",
            "200 | {\"result\":false}                         | SERVER_ERROR",
            "200 | {\"time\":{}}                              | SERVER_ERROR",
            "404 | <html>Not Found</html>                      | SERVER_ERROR",
            "429 | <html>Too Many Requests</html>              | SERVER_ERROR",
            "408 | <html>Request Timeout</html>                | SERVER_ERROR",
            "400 | Bad Request                                 | SERVER_ERROR",
            "403 | {\"message\":\"Forbidden\"}              | SERVER_ERROR",
            "401 | [1]                                         | SERVER_ERROR" })
    void repliesThatAreNotACompleteEnvelopeAreTypedWithoutAParserException(int status, String body,
                                                                            Bitrix24ErrorType expected) {
        ReplyVerdict verdict = classifier.classify(status, body.getBytes(StandardCharsets.UTF_8), "text/html");

        assertThat(verdict.type()).isEqualTo(expected);
        // not Bitrix24's own answer (a proxy's, a gateway's): never final, whatever the status
        assertThat(verdict.type().category()).isEqualTo(Bitrix24ErrorCategory.TRANSIENT);
        assertThat(verdict.type().retriable()).isTrue();
        assertThat(verdict.errorCode()).isNull();
        assertThat(verdict.errorDescription()).startsWith("HTTP " + status + " with");
    }

    @Test
    void anEmptyReplyIsAServerError() {
        ReplyVerdict verdict = classifier.classify(502, new byte[0], null);

        assertThat(verdict.type()).isEqualTo(Bitrix24ErrorType.SERVER_ERROR);
        assertThat(verdict.errorDescription()).isEqualTo("HTTP 502 with an empty reply");
    }

    @Test
    void anUnreadableReplyIsDescribedWithoutQuotingIt() {
        String page = "<html>cannot serve /rest/1/s3cr3tcode/crm.activity.delete.json</html>";

        ReplyVerdict verdict = classifier.classify(500, page.getBytes(StandardCharsets.UTF_8), "text/html");

        assertThat(verdict.errorDescription()).doesNotContain("s3cr3tcode").contains("text/html");
    }

    /** The lost-reply rule's question: could the method have run although this reply does not say how it ended? */
    @ParameterizedTest(name = "HTTP {0} {1} -> {2}")
    @CsvSource(delimiter = '|', value = {
            "200 | {\"result\":true,\"time\":{}}                                                   | false",
            "200 | {\"error\":\"WRONG_ENCODING\",\"error_description\":\"x\"}                        | true",
            "500 | {\"error\":\"WRONG_ENCODING\",\"error_description\":\"x\"}                        | true",
            "200 | {\"result\":tr                                                                 | true",
            "200 | <html><body>Please wait</body></html>                                           | true",
            "200 | {\"result\":false}                                                               | true",
            "502 | <html><body>502 Bad Gateway</body></html>                                       | true",
            "500 | {\"error\":\"INTERNAL_SERVER_ERROR\",\"error_description\":\"Internal server error\"} | false",
            "503 | {\"error\":\"QUERY_LIMIT_EXCEEDED\",\"error_description\":\"Too many requests\"}     | false",
            "400 | {\"error\":\"\",\"error_description\":\"Activity is not found.\"}                     | false",
            "429 | <html><body>429 Too Many Requests</body></html>                                 | false",
            "408 | <html><body>408 Request Timeout</body></html>                                   | false"})
    void onlyRepliesSentAfterTheMethodMayHaveRunMarkIt(int status, String body, boolean mayHaveRun) {
        assertThat(classify(status, body).methodMayHaveRun()).isEqualTo(mayHaveRun);
    }
}
