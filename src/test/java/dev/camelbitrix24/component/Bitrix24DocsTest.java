package dev.camelbitrix24.component;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The hand-written docs keep up with the generated catalog: every option, header and error type is in the component's
 * reference, and every error type also in the pipeline's table of outcomes.
 */
class Bitrix24DocsTest {

    private static JsonNode catalog;
    private static String adoc;
    private static String pipeline;

    @BeforeAll
    static void read() throws Exception {
        try (InputStream in = Bitrix24DocsTest.class.getResourceAsStream("/META-INF/dev/camelbitrix24/component/bitrix24.json")) {
            catalog = new ObjectMapper().readTree(in);
        }
        adoc = Files.readString(Path.of("src/main/docs/bitrix24-component.adoc"));
        pipeline = Files.readString(Path.of("src/main/docs/pipeline.md"));
    }

    @Test
    void catalogDescriptionsStandOnTheirOwn() {
        // they ship to every user, who has the artifact and not the project's wire notes
        assertThat(catalog.toString()).doesNotContain("PROTOCOL", "§");
    }

    @Test
    void everyOptionIsInTheAdocOptionTable() {
        catalog.path("properties").fieldNames().forEachRemaining(option -> {
            if (!option.equals("method")) {
                assertThat(adoc).as(option).contains("| *" + option + "*");
            }
        });
    }

    @Test
    void everyDefaultInTheAdocIsTheCatalogs() {
        catalog.path("properties").fields().forEachRemaining(option -> {
            JsonNode defaultValue = option.getValue().get("defaultValue");
            if (defaultValue != null) {
                assertThat(adoc).as(option.getKey())
                        .containsPattern("\\| \\*" + option.getKey() + "\\*[^\\n]*\\| `" + java.util.regex.Pattern.quote(
                                defaultValue.asText()) + "` \\|");
            }
        });
    }

    @Test
    void everyHeaderIsDocumented() {
        catalog.path("headers").fieldNames().forEachRemaining(header -> {
            assertThat(adoc).as(header).contains("| `" + header + "` |");
        });
    }

    @Test
    void everyErrorTypeIsInBothErrorTables() {
        for (Bitrix24ErrorType type : Bitrix24ErrorType.values()) {
            assertThat(adoc).as(type.name()).contains("`" + type.name() + "`");
            assertThat(pipeline).as(type.name()).contains("`" + type.name() + "`");
        }
    }
}
