package dev.camelbitrix24.app;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.camelbitrix24.component.Bitrix24Constants;
import dev.camelbitrix24.component.Bitrix24ErrorType;
import dev.camelbitrix24.component.Bitrix24Exception;
import dev.camelbitrix24.component.support.CapturedOutput;
import org.apache.logging.log4j.Level;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.apache.camel.component.kafka.KafkaConstants;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/** The outcome headers and values, on exchanges shaped like the ones the Kafka consumer and the component make. */
class OutcomeRecordsTest {

    private final OutcomeRecords records = new OutcomeRecords();

    private static Exchange consumed(String value) {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.getMessage().setBody(value == null ? null : value.getBytes(StandardCharsets.UTF_8));
        exchange.getMessage().setHeader(KafkaConstants.TOPIC, "requests");
        exchange.getMessage().setHeader(KafkaConstants.PARTITION, 2);
        exchange.getMessage().setHeader(KafkaConstants.OFFSET, 41L);
        exchange.getMessage().setHeader(KafkaConstants.TIMESTAMP, 1700000000000L);
        // a replayed request carries the headers of its earlier failure, and its replay count
        exchange.getMessage().setHeader(OutcomeHeaders.OUTCOME, "SERVER_ERROR".getBytes(StandardCharsets.UTF_8));
        exchange.getMessage().setHeader(OutcomeHeaders.ERROR_CODE, "INTERNAL_SERVER_ERROR".getBytes(StandardCharsets.UTF_8));
        exchange.getMessage().setHeader(OutcomeHeaders.REPLAY_COUNT, "1".getBytes(StandardCharsets.UTF_8));
        return exchange;
    }

    @Test
    void aSuccessGetsTheJsonValueAndReplacesTheEarlierFailuresHeaders() {
        Exchange exchange = consumed("{\"id\":7,\"requestId\":\"r-7\"}");
        new RequestValidator().validate(exchange);
        exchange.getMessage().setHeader(Bitrix24Constants.ATTEMPTS, 2);
        exchange.getMessage().setHeader(Bitrix24Constants.HTTP_STATUS, 200);
        exchange.getMessage().setHeader(Bitrix24Constants.CONFIRMED_ON_RETRY, true);
        records.succeeded(exchange);

        assertThat(exchange.getMessage().getBody(String.class))
                .isEqualTo("{\"id\":7,\"outcome\":\"DELETED\",\"requestId\":\"r-7\",\"attempts\":2,\"confirmedOnRetry\":true}");
        assertThat(exchange.getMessage().getHeaders()).containsEntry(OutcomeHeaders.OUTCOME, "DELETED")
                .containsEntry(OutcomeHeaders.ATTEMPTS, "2").containsEntry(OutcomeHeaders.HTTP_STATUS, "200")
                .containsEntry(OutcomeHeaders.REQUEST_ID, "r-7").containsEntry(OutcomeHeaders.ORIGINAL_TOPIC, "requests")
                .containsEntry(OutcomeHeaders.ORIGINAL_PARTITION, "2").containsEntry(OutcomeHeaders.ORIGINAL_OFFSET, "41")
                .containsEntry(OutcomeHeaders.ORIGINAL_TIMESTAMP, "1700000000000")
                .doesNotContainKey(OutcomeHeaders.ERROR_CODE).doesNotContainKey(OutcomeHeaders.ERROR_DESCRIPTION);
        assertThat(exchange.getMessage().getHeader(OutcomeHeaders.REPLAY_COUNT, String.class)).isEqualTo("1");
    }

    @Test
    void theSucceededValueIsJsonWhateverTheRequestIdHolds() throws Exception {
        String requestId = "q\"uo\\te \u0001\n\u2028 ü 😀 </script>";
        String request = new ObjectMapper().createObjectNode().put("id", 9).put("requestId", requestId).toString();
        Exchange exchange = consumed(request);
        new RequestValidator().validate(exchange);
        exchange.getMessage().setHeader(Bitrix24Constants.ATTEMPTS, 1);
        records.succeeded(exchange);

        JsonNode value = new ObjectMapper().readTree(exchange.getMessage().getBody(byte[].class));
        assertThat(value.get("requestId").textValue()).isEqualTo(requestId);
        assertThat(value.get("id").longValue()).isEqualTo(9);
        assertThat(value.get("outcome").textValue()).isEqualTo("DELETED");
        assertThat(value.get("attempts").intValue()).isEqualTo(1);
        assertThat(value.get("confirmedOnRetry").booleanValue()).isFalse();
        assertThat(value.size()).isEqualTo(5);
    }

    @Test
    void aBitrix24FailureKeepsTheOriginalValueAndCarriesTheErrorAsReceived() {
        Exchange exchange = consumed("{\"id\":8}");
        new RequestValidator().validate(exchange);
        exchange.getMessage().setBody("{\"id\":8}".getBytes(StandardCharsets.UTF_8));
        exchange.setProperty(Exchange.EXCEPTION_CAUGHT,
                new Bitrix24Exception(Bitrix24ErrorType.NOT_FOUND, "", "Activity is not found.", 400, 1));
        records.failed(exchange);

        assertThat(exchange.getMessage().getBody(String.class)).isEqualTo("{\"id\":8}");
        assertThat(exchange.getMessage().getHeaders()).containsEntry(OutcomeHeaders.OUTCOME, "NOT_FOUND")
                .containsEntry(OutcomeHeaders.ERROR_CODE, "").containsEntry(OutcomeHeaders.ERROR_DESCRIPTION, "Activity is not found.")
                .containsEntry(OutcomeHeaders.HTTP_STATUS, "400").containsEntry(OutcomeHeaders.ATTEMPTS, "1")
                .doesNotContainKey(OutcomeHeaders.REQUEST_ID);
    }

    @Test
    void aTooLongRequestIdIsAnInvalidRequestThatEchoesNothingAndKeepsTheOriginalBytes() {
        String requestId = "x".repeat(300_000);
        String request = "{\"id\":5,\"requestId\":\"" + requestId + "\"}";
        Exchange exchange = consumed(request);
        try (CapturedOutput output = new CapturedOutput(Map.of("dev.camelbitrix24.app", Level.INFO))) {
            Throwable refused = catchThrowable(() -> new RequestValidator().validate(exchange));
            assertThat(refused).isInstanceOf(InvalidRequestException.class);
            // the route restores the original message (useOriginalMessage) before the error step
            exchange.getMessage().setBody(request.getBytes(StandardCharsets.UTF_8));
            exchange.setProperty(Exchange.EXCEPTION_CAUGHT, refused);
            records.failed(exchange);

            assertThat(output.text()).contains("requestId is longer than 256 characters").doesNotContain("xxxxxxxxxx");
        }
        assertThat(exchange.getMessage().getBody(String.class)).as("the original bytes").isEqualTo(request);
        assertThat(exchange.getMessage().getHeaders()).containsEntry(OutcomeHeaders.OUTCOME, "INVALID_REQUEST")
                .containsEntry(OutcomeHeaders.ERROR_DESCRIPTION, "requestId is longer than 256 characters")
                .containsEntry(OutcomeHeaders.ATTEMPTS, "0")
                .doesNotContainKey(OutcomeHeaders.REQUEST_ID);
        assertThat(exchange.getMessage().getHeaders().values()).noneMatch(v -> String.valueOf(v).contains("xxxxxxxxxx"));
    }

    @Test
    void anUnexpectedErrorIsAPipelineErrorWithoutTheUrlsItsMessageQuotes() {
        Exchange exchange = consumed("{\"id\":9,\"requestId\":\"r-9\"}");
        new RequestValidator().validate(exchange);
        exchange.setProperty(Exchange.EXCEPTION_CAUGHT,
                new IllegalStateException("no route to https://example.bitrix24.com/rest/1/s3cr3t/crm.activity.delete"));
        records.failed(exchange);

        assertThat(exchange.getMessage().getHeaders()).containsEntry(OutcomeHeaders.OUTCOME, "PIPELINE_ERROR")
                .containsEntry(OutcomeHeaders.REQUEST_ID, "r-9")
                .containsEntry(OutcomeHeaders.ERROR_DESCRIPTION, "IllegalStateException: no route to <url>")
                .doesNotContainKey(OutcomeHeaders.ATTEMPTS);
        assertThat(exchange.getMessage().getHeaders().values()).noneMatch(v -> String.valueOf(v).contains("s3cr3t"));
    }
}
