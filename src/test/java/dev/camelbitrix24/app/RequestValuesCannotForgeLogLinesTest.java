package dev.camelbitrix24.app;

import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.camelbitrix24.component.Bitrix24ErrorType;
import dev.camelbitrix24.component.Bitrix24Exception;
import dev.camelbitrix24.component.support.CapturedOutput;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * A requestId (or another piece of a request) with a line break, a terminal escape or a quote cannot forge a log line:
 * every line the pipeline logs about a request shows such text escaped, in one line.
 */
class RequestValuesCannotForgeLogLinesTest {

    private static final String FORGED = "12:00:00.000 ERROR fake line";
    private static final String REQUEST_ID = "r-1\n" + FORGED + "\r\u001b[31mred\u0000\u2028\"quoted\"\\";

    private final OutcomeRecords records = new OutcomeRecords();

    private static Exchange consumed(Map<String, Object> request) throws Exception {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.getMessage().setBody(new ObjectMapper().writeValueAsBytes(request));
        return exchange;
    }

    private void fails(Exchange exchange, Throwable failure) {
        exchange.setProperty(Exchange.EXCEPTION_CAUGHT, failure);
        records.failed(exchange);
    }

    @Test
    void aRequestIdWithControlCharactersIsLoggedEscapedOnOneLine() throws Exception {
        try (CapturedOutput output = new CapturedOutput(Map.of("dev.camelbitrix24.app", Level.INFO))) {
            Exchange notFound = consumed(Map.of("id", 5, "requestId", REQUEST_ID));
            new RequestValidator().validate(notFound);
            fails(notFound, new Bitrix24Exception(Bitrix24ErrorType.NOT_FOUND, "", "Activity is not found.", 400, 1));

            Exchange transientFailure = consumed(Map.of("id", 6, "requestId", REQUEST_ID));
            new RequestValidator().validate(transientFailure);
            fails(transientFailure, new Bitrix24Exception(Bitrix24ErrorType.SERVER_ERROR, null, "HTTP 502", 502, 3));

            Exchange countedAsDeleted = consumed(Map.of("id", 7, "requestId", REQUEST_ID));
            new RequestValidator().validate(countedAsDeleted);
            countedAsDeleted.setProperty(Exchange.EXCEPTION_CAUGHT,
                    new Bitrix24Exception(Bitrix24ErrorType.NOT_FOUND, "", "Activity is not found.", 400, 1));
            records.notFoundAsSucceeded(countedAsDeleted);

            Exchange invalid = consumed(Map.of("id", "8\n" + FORGED, "requestId", REQUEST_ID));
            fails(invalid, catchThrowable(() -> new RequestValidator().validate(invalid)));

            Exchange unexpected = consumed(Map.of("id", 9, "requestId", REQUEST_ID));
            new RequestValidator().validate(unexpected);
            fails(unexpected, new IllegalStateException("could not read \"x\n" + FORGED + "\""));

            String logged = output.logged();
            assertThat(logged.lines()).as("one line per event").hasSize(5)
                    .allSatisfy(line -> assertThat(line).doesNotStartWith(FORGED).doesNotContainPattern("\\p{Cntrl}")
                            .doesNotContain("\u2028"));
            assertThat(logged).contains("\"r-1\\n" + FORGED + "\\r\\u001b[31mred\\u0000\\u2028\\\"quoted\\\"\\\\\"");
        }
    }

    @Test
    void theOutcomeStillEchoesTheRequestIdAsItWas() throws Exception {
        Exchange exchange = consumed(Map.of("id", 5, "requestId", REQUEST_ID));
        new RequestValidator().validate(exchange);
        fails(exchange, new Bitrix24Exception(Bitrix24ErrorType.NOT_FOUND, "", "Activity is not found.", 400, 1));

        assertThat(exchange.getMessage().getHeader(OutcomeHeaders.REQUEST_ID, String.class)).isEqualTo(REQUEST_ID);
    }
}
