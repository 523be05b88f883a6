package dev.camelbitrix24.component.simulated;

import java.math.BigInteger;
import java.util.List;
import java.util.Map;

import dev.camelbitrix24.component.Bitrix24Constants;
import dev.camelbitrix24.component.Bitrix24ErrorType;
import dev.camelbitrix24.component.Bitrix24Exception;
import org.apache.camel.Exchange;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Ids that are not positive longs never reach the portal: its call counter stays at zero, and the activities Bitrix24
 * would have deleted by reading them PHP's way ("12abc" as 12, "5&id=7" as 7) are still there.
 */
class InvalidIdsOnSimulatorTest extends SimulatorTestSupport {

    @Test
    void invalidIdsAreRefusedWithoutACall() {
        List<Object> invalid = List.of("12abc", "5&id=7", "0", "-3", "1.5", "1e3", " 12", "abc",
                "99999999999999999999", "{\"id\":\"12abc\"}", "{\"id\":-1}", "{\"id\":2.5}", "{\"id\":",
                0L, -7, 2.0d, BigInteger.TWO.pow(70), Map.of("id", "7abc"), Map.of("id", 0));

        for (Object body : invalid) {
            Exchange exchange = delete(webhookUri(""), body);

            Bitrix24Exception error = errorOf(exchange);
            assertThat(error.getType()).as(String.valueOf(body)).isEqualTo(Bitrix24ErrorType.INVALID_REQUEST);
            assertThat(error.getAttempts()).isZero();
            assertThat(exchange.getMessage().getHeader(Bitrix24Constants.ATTEMPTS)).isEqualTo(0);
        }
        Exchange noId = camel.send(webhookUri(""), null, Map.of(Bitrix24Constants.ACTIVITY_ID, "7; DROP"));
        assertThat(errorOf(noId).getType()).isEqualTo(Bitrix24ErrorType.INVALID_REQUEST);

        assertThat(control.callCount(METHOD)).isZero();
        assertThat(control.activityExists(12)).isTrue();
        assertThat(control.activityExists(7)).isTrue();
        assertThat(control.activityExists(5)).isTrue();
    }

    @Test
    void aValidIdInAnyAcceptedFormIsSentOnce() {
        List<Object> valid = List.of(11L, 12, "13", "{\"id\":14}", "{\"id\":\"15\"}", Map.of("id", 16L));

        for (Object body : valid) {
            assertThat(delete(webhookUri(""), body).getException()).as(String.valueOf(body)).isNull();
        }

        assertThat(control.callCount(METHOD)).isEqualTo(valid.size());
        for (long id = 11; id <= 16; id++) {
            assertThat(control.activityExists(id)).isFalse();
        }
    }
}
