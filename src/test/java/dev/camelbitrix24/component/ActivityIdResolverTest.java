package dev.camelbitrix24.component;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Message;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class ActivityIdResolverTest {

    private final ObjectMapper mapper = new ObjectMapper();
    private final ActivityIdResolver resolver = new ActivityIdResolver(mapper);

    private static Message message(Object body, Object header) {
        Message message = new DefaultExchange(new DefaultCamelContext()).getMessage();
        message.setBody(body);
        if (header != null) {
            message.setHeader(Bitrix24Constants.ACTIVITY_ID, header);
        }
        return message;
    }

    private Bitrix24Exception refused(Object body, Object header, Long option) {
        return catchThrowableOfType(Bitrix24Exception.class, () -> resolver.resolve(message(body, header), option));
    }

    @Test
    void bodyFormsCarryingAnId() throws Exception {
        assertThat(resolver.resolve(message(42, null), null)).isEqualTo(42);
        assertThat(resolver.resolve(message(42L, null), null)).isEqualTo(42);
        assertThat(resolver.resolve(message(BigInteger.valueOf(42), null), null)).isEqualTo(42);
        assertThat(resolver.resolve(message("42", null), null)).isEqualTo(42);
        assertThat(resolver.resolve(message("007", null), null)).isEqualTo(7);
        assertThat(resolver.resolve(message(Map.of("id", 42), null), null)).isEqualTo(42);
        assertThat(resolver.resolve(message(Map.of("id", "42"), null), null)).isEqualTo(42);
        assertThat(resolver.resolve(message("{\"id\":42,\"requestId\":\"r-1\"}", null), null)).isEqualTo(42);
        assertThat(resolver.resolve(message(" {\"id\":\"42\"} ", null), null)).isEqualTo(42);
        assertThat(resolver.resolve(message("{\"id\":42}".getBytes(StandardCharsets.UTF_8), null), null)).isEqualTo(42);
        assertThat(resolver.resolve(message(mapper.readTree("{\"id\":42}"), null), null)).isEqualTo(42);
        assertThat(resolver.resolve(message(String.valueOf(Long.MAX_VALUE), null), null)).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void theBodyWinsOverTheHeaderAndTheHeaderOverTheOption() {
        assertThat(resolver.resolve(message(1L, 2L), 3L)).isEqualTo(1);
        assertThat(resolver.resolve(message(null, 2L), 3L)).isEqualTo(2);
        assertThat(resolver.resolve(message(null, "2"), 3L)).isEqualTo(2);
        assertThat(resolver.resolve(message(null, null), 3L)).isEqualTo(3);
    }

    @Test
    void aBodyWithoutAnIdFallsThroughToTheHeader() {
        assertThat(resolver.resolve(message("", 2L), null)).isEqualTo(2);
        assertThat(resolver.resolve(message("   ", 2L), null)).isEqualTo(2);
        assertThat(resolver.resolve(message(Map.of("other", 1), 2L), null)).isEqualTo(2);
        assertThat(resolver.resolve(message("{\"requestId\":\"r\"}", 2L), null)).isEqualTo(2);
        assertThat(resolver.resolve(message(new Object(), 2L), null)).isEqualTo(2);
    }

    @ParameterizedTest
    @ValueSource(strings = { "0", "-5", "12abc", "5&id=7", "1.5", "1e3", " 42", "abc", "99999999999999999999",
                             "9223372036854775808", "{\"id\":0}", "{\"id\":-1}", "{\"id\":\"12abc\"}", "{\"id\":1.5}",
                             "{\"id\":true}", "{\"id\":[1]}", "{\"id\":", "[42]" })
    void aStringBodyThatIsNotAPositiveLongIsInvalid(String body) {
        Bitrix24Exception error = refused(body, 5L, 5L);

        assertThat(error.getType()).isEqualTo(Bitrix24ErrorType.INVALID_REQUEST);
        assertThat(error.getAttempts()).isZero();
        assertThat(error.getHttpResponseCode()).isZero();
        assertThat(error.getErrorCode()).isNull();
        assertThat(error.getErrorDescription()).startsWith("The activity id must be a positive integer that fits in a long");
    }

    @Test
    void aBodyWhoseIdAndIDDifferIsAmbiguousAndNeverSent() throws Exception {
        // Bitrix24 reads ID before id (PROTOCOL §3.1): sending id 5 for {"ID":7,"id":5} would delete the wrong one
        for (Object body : new Object[] {"{\"ID\":7,\"id\":5}", mapper.readTree("{\"id\":5,\"ID\":\"abc\"}"),
                                         Map.of("ID", 7, "id", 5)}) {
            Bitrix24Exception error = refused(body, 5L, 5L);
            assertThat(error.getType()).as(String.valueOf(body)).isEqualTo(Bitrix24ErrorType.INVALID_REQUEST);
            assertThat(error.getAttempts()).isZero();
            assertThat(error.getErrorDescription()).contains("both id").contains("ID");
        }
        assertThat(resolver.resolve(message("{\"ID\":7,\"id\":7}", null), null)).isEqualTo(7);
        assertThat(resolver.resolve(message(Map.of("ID", "007", "id", 7), null), null)).isEqualTo(7);
    }

    @Test
    void leadingZerosDoNotCountTowardsTheLimit() {
        assertThat(resolver.resolve(message("0".repeat(30) + "42", null), null)).isEqualTo(42);
        assertThat(refused("0".repeat(5) + "9223372036854775808", null, null).getType())
                .isEqualTo(Bitrix24ErrorType.INVALID_REQUEST);
    }

    @Test
    void nonIntegerNumbersAreInvalid() {
        assertThat(refused(1.0d, null, null).getType()).isEqualTo(Bitrix24ErrorType.INVALID_REQUEST);
        assertThat(refused(0, null, null).getType()).isEqualTo(Bitrix24ErrorType.INVALID_REQUEST);
        assertThat(refused(-3L, null, null).getType()).isEqualTo(Bitrix24ErrorType.INVALID_REQUEST);
        assertThat(refused(BigInteger.TWO.pow(64), null, null).getType()).isEqualTo(Bitrix24ErrorType.INVALID_REQUEST);
        assertThat(refused(Map.of("id", 2.5), null, null).getType()).isEqualTo(Bitrix24ErrorType.INVALID_REQUEST);
    }

    @Test
    void anInvalidHeaderIsInvalidEvenWithAnOption() {
        Bitrix24Exception error = refused(null, "abc", 3L);

        assertThat(error.getErrorDescription()).contains(Bitrix24Constants.ACTIVITY_ID).contains("\"abc\"");
    }

    @Test
    void noIdAnywhereIsInvalid() {
        Bitrix24Exception error = refused(null, null, null);

        assertThat(error.getType()).isEqualTo(Bitrix24ErrorType.INVALID_REQUEST);
        assertThat(error.getErrorDescription()).startsWith("No activity id");
    }

    @Test
    void aLongInvalidValueIsShortenedInTheDescription() {
        Bitrix24Exception error = refused("x".repeat(500), null, null);

        assertThat(error.getErrorDescription()).hasSizeLessThan(200);
    }
}
