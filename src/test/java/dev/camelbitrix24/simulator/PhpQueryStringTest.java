package dev.camelbitrix24.simulator;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Query strings and ids are read the way PHP reads them, since that is what the real portal runs on. */
class PhpQueryStringTest {

    @Test
    void lastDuplicateWins() {
        assertThat(PhpQueryString.parse("id=5&id=7")).containsEntry("id", "7");
    }

    @Test
    void upperAndLowerCaseNamesAreDifferentKeys() {
        assertThat(PhpQueryString.parse("ID=1&id=2")).containsEntry("ID", "1").containsEntry("id", "2");
    }

    @Test
    void bracketsBuildNestedArraysAndEmptyBracketsAppend() {
        Map<String, Object> parsed = PhpQueryString.parse("cmd[a]=x&cmd[b][c]=y&list[]=1&list[]=2&list[7]=3&list[]=4");
        assertThat(parsed.get("cmd")).isEqualTo(Map.of("a", "x", "b", Map.of("c", "y")));
        assertThat(parsed.get("list")).isEqualTo(Map.of("0", "1", "1", "2", "7", "3", "8", "4"));
    }

    @Test
    void percentEscapesAndPlusAreDecodedAndMalformedOnesKept() {
        assertThat(PhpQueryString.parse("a=1%262&b=x+y&c=%zz")).containsEntry("a", "1&2").containsEntry("b", "x y")
                .containsEntry("c", "%zz");
    }

    @Test
    void dotsAndSpacesInTopLevelNamesBecomeUnderscores() {
        assertThat(PhpQueryString.parse("a.b=1&c d=2&e[f.g]=3")).containsKeys("a_b", "c_d");
        assertThat(PhpQueryString.parse("e[f.g]=3").get("e")).isEqualTo(Map.of("f.g", "3"));
    }

    @Test
    void emptyNamesAndPairsAreSkipped() {
        assertThat(PhpQueryString.parse("&&=5&x")).containsOnlyKeys("x").containsEntry("x", "");
    }

    @Test
    void intvalCastsLikePhp() {
        assertThat(PhpValues.intval("12abc")).isEqualTo(12);
        assertThat(PhpValues.intval("  42")).isEqualTo(42);
        assertThat(PhpValues.intval("abc")).isZero();
        assertThat(PhpValues.intval("1e3")).isEqualTo(1000);
        assertThat(PhpValues.intval("7.9")).isEqualTo(7);
        assertThat(PhpValues.intval(7.9)).isEqualTo(7);
        assertThat(PhpValues.intval(Boolean.TRUE)).isEqualTo(1);
        assertThat(PhpValues.intval(null)).isZero();
        assertThat(PhpValues.intval(Map.of("a", 1))).isEqualTo(1);
        assertThat(PhpValues.intval("-3")).isEqualTo(-3);
        assertThat(PhpValues.intval("99999999999999999999")).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void truthinessLikePhp() {
        assertThat(PhpValues.truthy("false")).isTrue();
        assertThat(PhpValues.truthy("0")).isFalse();
        assertThat(PhpValues.truthy("")).isFalse();
        assertThat(PhpValues.truthy(0L)).isFalse();
        assertThat(PhpValues.truthy(1L)).isTrue();
    }

    @Test
    void sequentialArraysAreWrittenAsJsonListsAndEmptyOnesAsEmptyLists() {
        assertThat(PhpValues.asJsonArray(new java.util.LinkedHashMap<>())).isEqualTo(List.of());
        Map<String, Object> sequential = new java.util.LinkedHashMap<>();
        sequential.put("0", "a");
        sequential.put("1", "b");
        assertThat(PhpValues.asJsonArray(sequential)).isEqualTo(List.of("a", "b"));
        Map<String, Object> keyed = new java.util.LinkedHashMap<>();
        keyed.put("1", "b");
        assertThat(PhpValues.asJsonArray(keyed)).isInstanceOf(Map.class);
    }
}
