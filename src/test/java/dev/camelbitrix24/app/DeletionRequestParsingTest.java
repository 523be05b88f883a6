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

    @Test
    void aStringOfDecimalDigitsMayHaveLeadingZeros() {
        assertThat(parse("{\"id\":\"0042\"}")).isEqualTo(new DeletionRequest(42, null));
        assertThat(parse("{\"id\":\"007\"}")).isEqualTo(new DeletionRequest(7, null));
        // leading zeros do not count towards the 64-bit limit
        assertThat(parse("{\"id\":\"" + "0".repeat(30) + Long.MAX_VALUE + "\"}")).isEqualTo(new DeletionRequest(Long.MAX_VALUE, null));
        assertThat(catchThrowableOfType(InvalidRequestException.class, () -> parse("{\"id\":\"000\"}")).getErrorDescription())
                .isEqualTo("id must be a positive integer, got \"000\"");
        assertThat(catchThrowableOfType(InvalidRequestException.class, () -> parse("{\"id\":\"0009223372036854775808\"}"))
                .getErrorDescription()).contains("larger than a 64-bit integer");
    }

    @Test
    void anIdThatBitrix24WouldReadDifferentlyDeletesNothing() {
        // Bitrix24 reads ID before id (PROTOCOL §3.1): {"ID":7,"id":5} would delete 7 there, 5 here
        InvalidRequestException e = catchThrowableOfType(InvalidRequestException.class,
                () -> parse("{\"ID\":7,\"id\":5,\"requestId\":\"r-7\"}"));
        assertThat(e.getErrorDescription()).isEqualTo(
                "the request carries both id 5 and ID 7, and Bitrix24 reads ID; a request that could be read two ways deletes nothing");
        assertThat(e.getRequestId()).isEqualTo("r-7");
        assertThat(catchThrowableOfType(InvalidRequestException.class, () -> parse("{\"id\":5,\"ID\":\"abc\"}"))).isNotNull();
        assertThat(catchThrowableOfType(InvalidRequestException.class, () -> parse("{\"id\":5,\"ID\":\"5abc\"}"))).isNotNull();
        assertThat(catchThrowableOfType(InvalidRequestException.class, () -> parse("{\"id\":5,\"ID\":[5]}"))).isNotNull();
        // the same id either way is one reading
        assertThat(parse("{\"ID\":7,\"id\":7}")).isEqualTo(new DeletionRequest(7, null));
        assertThat(parse("{\"ID\":\"007\",\"id\":7}")).isEqualTo(new DeletionRequest(7, null));
        assertThat(parse("{\"ID\":null,\"id\":7}")).isEqualTo(new DeletionRequest(7, null));
    }

    @Test
    void onlyAFieldGivenTwiceAtTheTopLevelMakesTheRequestAmbiguous() {
        assertThat(parse("{\"id\":5,\"meta\":{\"a\":1,\"a\":2}}")).isEqualTo(new DeletionRequest(5, null));
        assertThat(parse("{\"id\":5,\"meta\":[{\"id\":1,\"id\":2}]}")).isEqualTo(new DeletionRequest(5, null));
        assertThat(parse("{\"id\":5,\"note\":\"a\",\"note\":\"b\"}")).as("an ignored field").isEqualTo(new DeletionRequest(5, null));
        for (String twice : new String[] {"{\"id\":1,\"id\":2}", "{\"id\":1,\"id\":1}", "{\"ID\":1,\"id\":1,\"ID\":2}",
                                          "{\"id\":1,\"requestId\":\"a\",\"requestId\":\"b\"}"}) {
            InvalidRequestException e = catchThrowableOfType(InvalidRequestException.class, () -> parse(twice));
            assertThat(e).as(twice).isNotNull();
            assertThat(e.getErrorDescription()).as(twice).contains("is given more than once");
            assertThat(e.getRequestId()).as(twice).isNull();
        }
    }

    /**
     * The quick reading (tokens, no tree) takes the common requests and gives up on everything else, and where it
     * answers it answers exactly what the describing reading does.
     */
    @ParameterizedTest
    @ValueSource(strings = {
        "{\"id\":42}", "{\"id\":\"42\",\"requestId\":\"r-1\"}", "{\"requestId\":null,\"id\":9223372036854775807}",
        "{\"id\":1,\"other\":[1,{\"x\":2}],\"more\":{\"a\":[]}}", "{\"requestId\":\"r\\u0041\",\"id\":3}",
        "{\"id\":\"123456789012345678\"}", "{ \"id\" : 5 }\n", "{\"id\":\"0042\"}", "{\"id\":\"1234567890123456789\"}",
        "{\"id\":5,\"meta\":{\"a\":1,\"a\":2}}", "{\"id\":5,\"note\":1,\"note\":2}",
        // not taken by the quick reading: the describing one refuses them or (the last ones) accepts them
        "{\"id\":0}", "{\"id\":-5}", "{\"id\":-0}", "{\"id\":1.0}", "{\"id\":1e3}", "{\"id\":\"000\"}", "{\"id\":007}",
        "{\"id\":9223372036854775808}", "{\"id\":\"9223372036854775808\"}", "{\"id\":1,\"id\":2}",
        "{\"id\":1,\"requestId\":\"a\",\"requestId\":null}", "{\"ID\":7,\"id\":5}", "{\"ID\":7}",
        "{\"ID\":5,\"id\":5}", "{\"id\":5,\"ID\":null}",
        "{\"id\":1} {\"id\":2}", "{\"id\":1", "{\"id\":1,\"requestId\":5}", "{\"requestId\":\"r\"}", "{}",
        "{\"id\":5,\"requestId\":\"é\"}", " {\"id\":7}"})
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
        // accepted, but left to the describing reading: an ID to compare with id, not ASCII, a leading blank
        boolean leftToTheOther = value.contains("\"ID\"") || value.contains("é") || !value.startsWith("{");
        if (!leftToTheOther) {
            assertThat(quick).as("the quick reading takes " + value).isNotNull();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "not json", "[1,2]", "42", "\"42\"", "null", "true", "{}", "{\"id\":null}", "{\"id\":0}", "{\"id\":-5}",
        "{\"id\":1.5}", "{\"id\":1.0}", "{\"id\":1e3}", "{\"id\":\"0x1F\"}", "{\"id\":\"12abc\"}", "{\"id\":\" 12\"}",
        "{\"id\":\"12 \"}", "{\"id\":\"000\"}", "{\"id\":\"+5\"}", "{\"id\":\"-5\"}", "{\"id\":\"\"}",
        "{\"id\":\"5&id=7\"}", "{\"id\":\"5#\"}", "{\"id\":\"$result[x]\"}", "{\"id\":true}", "{\"id\":[1]}",
        "{\"id\":{\"id\":1}}", "{\"id\":9223372036854775808}", "{\"id\":\"99999999999999999999\"}",
        "{\"id\":1,\"id\":2}", "{\"id\":1} {\"id\":2}", "{\"id\":1", "{\"id\":1,\"requestId\":5}",
        "{\"id\":1,\"requestId\":{\"a\":1}}", "{'id':1}", "   ", "{\"ID\":7,\"id\":5}", "{\"id\":\"-0042\"}",
        "{\"id\":\"42e0\"}", "{\"id\":\" 0042\"}"})
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
    void aRequestIdLongerThan256CharactersIsRefusedAndNotEchoed() {
        String longest = "r".repeat(DeletionRequest.REQUEST_ID_LIMIT);
        assertThat(parse("{\"id\":5,\"requestId\":\"" + longest + "\"}")).isEqualTo(new DeletionRequest(5, longest));
        // characters, not UTF-16 units: 256 emoji are 512 chars
        String emoji = "😀".repeat(DeletionRequest.REQUEST_ID_LIMIT);
        assertThat(parse("{\"id\":5,\"requestId\":\"" + emoji + "\"}").requestId()).isEqualTo(emoji);

        for (String tooLong : new String[] {longest + "r", "😀".repeat(257), "r".repeat(900_000)}) {
            InvalidRequestException e = catchThrowableOfType(InvalidRequestException.class,
                    () -> parse("{\"id\":5,\"requestId\":\"" + tooLong + "\"}"));
            assertThat(e).isNotNull();
            assertThat(e.getErrorDescription()).isEqualTo("requestId is longer than 256 characters");
            assertThat(e.getRequestId()).as("not echoed").isNull();
            assertThat(DeletionRequest.parsePlain(("{\"id\":5,\"requestId\":\"" + tooLong + "\"}")
                    .getBytes(StandardCharsets.UTF_8))).isNull();
        }
    }

    @Test
    void quotesAtMostAShortPieceOfAHugeValue() {
        String huge = "x".repeat(1_000_000);
        InvalidRequestException e = catchThrowableOfType(InvalidRequestException.class,
                () -> parse("{\"id\":\"" + huge + "\"}"));
        assertThat(e.getErrorDescription()).hasSizeLessThan(200);
    }
}
