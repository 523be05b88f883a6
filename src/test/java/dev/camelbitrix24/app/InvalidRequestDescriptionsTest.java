package dev.camelbitrix24.app;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** The description of an invalid request is one line of plain words: no control character of the request, no parser advice. */
class InvalidRequestDescriptionsTest {

    private static String description(String json) {
        return catchThrowableOfType(InvalidRequestException.class,
                () -> DeletionRequest.parse(json.getBytes(StandardCharsets.UTF_8))).getErrorDescription();
    }

    @Test
    void controlCharactersOfTheRequestAreEscaped() {
        assertThat(description("{\"id\":\"5\\n2026-11-28 INFO forged log line\"}"))
                .startsWith("id must be a positive integer written with decimal digits only, got \"5\\n2026-11-28")
                .doesNotContain("\n");
        assertThat(description("{\"id\":\"\\u001b[31m5\\r\\t\\u0000\"}"))
                .contains("\\u001b[31m5\\r\\t\\u0000")
                .doesNotContainPattern("\\p{Cntrl}");
    }

    @Test
    void parserAdviceForProgrammersIsLeftOut() {
        assertThat(description("{\"id\":NaN}")).isEqualTo("the value is not valid JSON: Non-standard token 'NaN'");
        String deep = "{\"id\":1,\"x\":" + "[".repeat(2000) + "]".repeat(2000) + "}";
        assertThat(description("{\"id\":1")).isEqualTo(
                "the value is not valid JSON: Unexpected end-of-input: expected close marker for Object");
        assertThat(description("{\"id\":1}{\"id\":2}")).isEqualTo(
                "the value is not valid JSON: Trailing token (of type START_OBJECT) found after value");
        assertThat(description(deep))
                .isEqualTo("the value is not valid JSON: Document nesting depth (1001) exceeds the maximum allowed (1000)");
    }

    @Test
    void anExponentIsNamedAsTheReason() {
        assertThat(description("{\"id\":1e3}"))
                .isEqualTo("id must be a whole number written without a fraction or an exponent, got 1000.0");
    }
}
