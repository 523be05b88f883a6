package dev.camelbitrix24.app;

import java.util.Map;

import dev.camelbitrix24.component.support.CapturedOutput;
import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.apache.camel.spi.CamelEvent;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The progress line: written only for an interval in which outcomes were written, with the counts by type; silent
 * while idle; sends that are not outcome records (no outcome header, another endpoint, a failed send) are not counted.
 */
class ProgressLogTest {

    @Test
    void countsOutcomeRecordsAndStaysSilentWhileIdle() throws Exception {
        try (CamelContext context = new DefaultCamelContext();
             CapturedOutput output = new CapturedOutput(Map.of("dev.camelbitrix24.app", Level.INFO))) {
            Endpoint kafka = context.getEndpoint("kafka:outcomes");
            Endpoint other = context.getEndpoint("log:outcomes");
            ProgressLog progress = new ProgressLog();
            progress.setCamelContext(context);

            progress.logProgress();
            assertThat(output.logged()).as("idle").doesNotContain("Processed");

            progress.notify(sent(context, outcome(context, "DELETED"), kafka));
            progress.notify(sent(context, outcome(context, "DELETED"), kafka));
            progress.notify(sent(context, outcome(context, "NOT_FOUND"), kafka));
            progress.notify(sent(context, outcome(context, "DELETED"), other));
            progress.notify(sent(context, new DefaultExchange(context), kafka));
            Exchange failedSend = outcome(context, "DELETED");
            failedSend.setException(new IllegalStateException("broker gone"));
            progress.notify(sent(context, failedSend, kafka));
            progress.logProgress();
            progress.logProgress();

            assertThat(output.logged().lines().filter(l -> l.contains("Processed")).toList()).singleElement().asString()
                    .contains("Processed 3 request(s)").contains("DELETED=2, NOT_FOUND=1").endsWith("; 3 since start");
        }
    }

    private static CamelEvent sent(CamelContext context, Exchange exchange, Endpoint to) {
        return context.getManagementStrategy().getEventFactory().createExchangeSentEvent(exchange, to, 5);
    }

    private static Exchange outcome(CamelContext context, String outcome) {
        Exchange exchange = new DefaultExchange(context);
        exchange.getMessage().setHeader(OutcomeHeaders.OUTCOME, outcome);
        return exchange;
    }
}
