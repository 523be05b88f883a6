package dev.camelbitrix24.component;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What a filter may say before anything is listed, and the filter of one page of keyset paging. */
class ActivityFilterTest {

    @Test
    void acceptsEveryFieldAndOperatorAsCrmActivityListTakesThem() {
        ActivityFilter filter = ActivityFilter.of("{\"OWNER_TYPE_ID\":3,\"=OWNER_ID\":\"42\",\"!TYPE_ID\":6,"
                + "\"!=RESPONSIBLE_ID\":[1,2],\">=ID\":10,\"<ID\":100000,\"COMPLETED\":\"N\",\"@PROVIDER_ID\":"
                + "[\"CRM_TODO\",\"VOXIMPLANT_CALL\"],\"!@OWNER_TYPE_ID\":[1],\"<=ID\":99999,\">ID\":0}");
        // strings of digits are sent as numbers: the portal reads them alike, and the page cursor compares them
        assertThat(filter.json().get("=OWNER_ID").isNumber()).isTrue();
        assertThat(ActivityFilter.of(Map.of("OWNER_ID", 42L)).toString()).isEqualTo("{\"OWNER_ID\":42}");
    }

    @Test
    void theCursorIsAddedAsGreaterThanIdAndAFiltersOwnBoundWinsWhenLarger() {
        ActivityFilter filter = ActivityFilter.of("{\"OWNER_ID\":42}");
        assertThat(filter.after(0).toString()).isEqualTo("{\"OWNER_ID\":42,\">ID\":0}");
        assertThat(filter.after(517).toString()).isEqualTo("{\"OWNER_ID\":42,\">ID\":517}");
        ActivityFilter bounded = ActivityFilter.of("{\"OWNER_ID\":42,\">ID\":1000}");
        assertThat(bounded.after(517).get(">ID").asLong()).isEqualTo(1000);
        assertThat(bounded.after(2000).get(">ID").asLong()).isEqualTo(2000);
        assertThat(filter.json().has(">ID")).as("the filter itself is left alone").isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "{}                                   | the filter is empty",
        "[1]                                  | must be a JSON object",
        "{\"OWNER_ID\":1,\"OWNER_ID\":2}      | without duplicate keys",
        "{\"TITLE\":\"x\"}                    | the field 'TITLE', which the component does not filter on",
        "{\"%PROVIDER_ID\":\"CRM\"}           | '%PROVIDER_ID' has an operator the component does not support",
        "{\"?OWNER_ID\":1}                    | has an operator the component does not support",
        "{\"owner_id\":1}                     | the field 'owner_id'",
        "{\"OWNER_ID\":1,\"=OWNER_ID\":2}     | gives OWNER_ID with the operator '=' twice",
        "{\"!OWNER_ID\":1,\"!=OWNER_ID\":2}   | gives OWNER_ID with the operator '!' twice",
        "{\">ID\":[1,2]}                      | compares with one value, got an array",
        "{\"@OWNER_ID\":3}                    | takes an array of values",
        "{\"OWNER_ID\":[]}                    | needs 1 to 500 values, got 0",
        "{\"OWNER_ID\":-1}                    | takes a whole number, 0 or more",
        "{\"OWNER_ID\":\"12abc\"}             | got '\"12abc\"'",
        "{\"OWNER_ID\":1.5}                   | takes a whole number",
        "{\"OWNER_ID\":{\"a\":1}}             | takes a whole number",
        "{\"COMPLETED\":true}                 | takes \"Y\" or \"N\"",
        "{\"PROVIDER_ID\":\"a&b\"}            | takes a provider id",
    })
    void refusesWhatCouldSelectMoreThanMeantWithADescription(String json, String description) {
        assertThatThrownBy(() -> ActivityFilter.of(json)).isInstanceOfSatisfying(Bitrix24Exception.class, e -> {
            assertThat(e.getType()).isEqualTo(Bitrix24ErrorType.INVALID_REQUEST);
            assertThat(e.getAttempts()).isZero();
            assertThat(e.getErrorDescription()).contains(description.trim());
        });
    }

    @Test
    void aBodyThatIsNoFilterAtAllIsRefused() {
        assertThatThrownBy(() -> ActivityFilter.of(42L)).isInstanceOf(Bitrix24Exception.class)
                .hasMessageContaining("the filter must be a JSON object (a Map, or JSON text), got Long");
        assertThatThrownBy(() -> ActivityFilter.of(null)).isInstanceOf(Bitrix24Exception.class);
    }
}
