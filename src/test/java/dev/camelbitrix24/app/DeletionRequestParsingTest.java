package dev.camelbitrix24.app;

import java.nio.charset.StandardCharsets;

import dev.camelbitrix24.component.Bitrix24ErrorType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class DeletionRequestParsingTest {

    private static DeletionRequest parse(String json) {
        return DeletionRequest.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void readsNumericAndDigitStringIdsAndTheRequestId() {
        assertThat(parse("{\"id\":42}")).isEqualTo(new DeletionRequest(42, null));
        assertThat(parse("{\"id\":\"42\",\"requestId\":\"r-1\"}")).isEqualTo(new DeletionRequest(42, "r-1"));
        assertThat(parse("{\"requestId\":null,\"id\":9223372036854775807,\"other\":[1,{\"x\":2}]}"))
                .isEqualTo(new DeletionRequest(Long.MAX_VALUE, null));
        assertThat(parse(" \n{\"id\":7}\n ")).isEqualTo(new DeletionRequest(7, null));
    }

    /**
     * The quick reading (tokens, no tree) takes the common requests and gives up on everything else, and where it
     * answers it answers exactly what the describing reading does.
     */
    @ParameterizedTest
    @ValueSource(strings = {
        "{\"id\":42}", "{\"id\":\"42\",\"requestId\":\"r-1\"}", "{\"requestId\":null,\"id\":9223372036854775807}",
        "{\"id\":1,\"other\":[1,{\"x\":2}],\"more\":{\"a\":[]}}", "{\"requestId\":\"r\\u0041\",\"id\":3}",
        "{\"id\":\"123456789012345678\"}", "{ \"id\" : 5 }\n",
        // not taken by the quick reading: the describing one refuses them or (the last ones) accepts them
        "{\"id\":0}", "{\"id\":-5}", "{\"id\":-0}", "{\"id\":1.0}", "{\"id\":1e3}", "{\"id\":\"007\"}", "{\"id\":007}",
        "{\"id\":9223372036854775808}", "{\"id\":1,\"id\":2}", "{\"id\":1,\"x\":{\"a\":1,\"a\":2}}",
        "{\"id\":1} {\"id\":2}", "{\"id\":1", "{\"id\":1,\"requestId\":5}", "{\"requestId\":\"r\"}", "{}",
        "{\"id\":\"1234567890123456789\"}", "{\"id\":5,\"requestId\":\"é\"}", " {\"id\":7}"})
    void theQuickReadingAgreesWithTheDescribingOne(String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        DeletionRequest quick = DeletionRequest.parsePlain(bytes);
        DeletionRequest described;
        try {
            described = DeletionRequest.parseAndDescribe(bytes);
        } catch (InvalidRequestException refused) {
            assertThat(quick).as(value).isNull();
            return;
        }
        if (quick != null) {
            assertThat(quick).as(value).isEqualTo(described);
        }
        // accepted, but left to the describing reading: 19 digits (may not fit a long), not ASCII, a leading blank
        boolean leftToTheOther = value.contains("1234567890123456789\"") || value.contains("é") || !value.startsWith("{");
        if (!leftToTheOther) {
            assertThat(quick).as("the quick reading takes " + value).isNotNull();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "not json", "[1,2]", "42", "\"42\"", "null", "true", "{}", "{\"id\":null}", "{\"id\":0}", "{\"id\":-5}",
        "{\"id\":1.5}", "{\"id\":1.0}", "{\"id\":1e3}", "{\"id\":\"0x1F\"}", "{\"id\":\"12abc\"}", "{\"id\":\" 12\"}",
        "{\"id\":\"12 \"}", "{\"id\":\"007\"}", "{\"id\":\"+5\"}", "{\"id\":\"-5\"}", "{\"id\":\"\"}",
        "{\"id\":\"5&id=7\"}", "{\"id\":\"5#\"}", "{\"id\":\"$result[x]\"}", "{\"id\":true}", "{\"id\":[1]}",
        "{\"id\":{\"id\":1}}", "{\"id\":9223372036854775808}", "{\"id\":\"99999999999999999999\"}",
        "{\"id\":1,\"id\":2}", "{\"id\":1} {\"id\":2}", "{\"id\":1", "{\"id\":1,\"requestId\":5}",
        "{\"id\":1,\"requestId\":{\"a\":1}}", "{'id':1}", "   "})
    void refusesEveryOtherValueWithADescription(String value) {
        InvalidRequestException e = catchThrowableOfType(InvalidRequestException.class, () -> parse(value));
        assertThat(e).as(value).isNotNull();
        assertThat(e.getType()).isEqualTo(Bitrix24ErrorType.INVALID_REQUEST);
        assertThat(e.getAttempts()).isZero();
        assertThat(e.getHttpResponseCode()).isZero();
        assertThat(e.getErrorDescription()).isNotBlank();
    }

    @Test
    void refusesNullEmptyBomAndBrokenUtf8() {
        assertThatThrownBy(() -> DeletionRequest.parse(null)).hasMessageContaining("tombstone");
        assertThatThrownBy(() -> DeletionRequest.parse(new byte[0])).hasMessageContaining("empty");
        assertThatThrownBy(() -> DeletionRequest.parse("\uFEFF{\"id\":1}".getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("byte-order mark");
        assertThatThrownBy(() -> DeletionRequest.parse(new byte[] {'{', '"', 'i', 'd', '"', ':', (byte) 0xC3, '}'}))
                .hasMessageContaining("UTF-8");
        byte[] deep = ("{\"id\":1,\"x\":" + "[".repeat(5000) + "]".repeat(5000) + "}").getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> DeletionRequest.parse(deep)).isInstanceOf(InvalidRequestException.class);
    }

    @Test
    void keepsTheRequestIdWhenOnlyTheIdIsWrong() {
        InvalidRequestException e = catchThrowableOfType(InvalidRequestException.class,
                () -> parse("{\"requestId\":\"r-9\",\"id\":\"abc\"}"));
        assertThat(e.getRequestId()).isEqualTo("r-9");
        assertThat(e.getErrorDescription()).isEqualTo("id must be a positive integer written with decimal digits only, got \"abc\"");
    }

    @Test
    void quotesAtMostAShortPieceOfAHugeValue() {
        String huge = "x".repeat(1_000_000);
        InvalidRequestException e = catchThrowableOfType(InvalidRequestException.class,
                () -> parse("{\"id\":\"" + huge + "\"}"));
        assertThat(e.getErrorDescription()).hasSizeLessThan(200);
    }
}
