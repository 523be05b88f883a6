package dev.camelbitrix24.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code crm.activity.list} as PROTOCOL §8 describes it, over HTTP: activities made with an owner through the control
 * API, filters with the operators the crm.activity.list page lists, {@code select}, {@code order}, pages of 50 with
 * {@code next}/{@code total}, {@code start=-1} without a count, keyset paging by {@code >ID}, and list calls paced and
 * charged like every method, inside {@code batch} too.
 */
class ActivityListByFilterTest {

    private static Bitrix24Simulator sim;
    private static final SimulatorHttpClient http = new SimulatorHttpClient();

    @BeforeAll
    static void start() {
        sim = Bitrix24Simulator.builder().httpPort(0).httpsPort(-1).seed(10).ratePlan(RatePlan.OFF).start();
    }

    @AfterAll
    static void stop() {
        sim.close();
    }

    @BeforeEach
    void reset() {
        sim.control().reset();
    }

    private JsonNode list(String body) throws Exception {
        SimulatorHttpClient.Reply reply = http.postJson(sim.webhookUrl() + "crm.activity.list", body);
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        return reply.json();
    }

    private static List<Long> ids(JsonNode reply) {
        List<Long> ids = new ArrayList<>();
        reply.get("result").forEach(row -> ids.add(row.get("ID").asLong()));
        return ids;
    }

    @Test
    void controlApiMakesActivitiesWithAnOwnerOneOrMany() throws Exception {
        JsonNode one = http.postJson(sim.baseUrl() + "/_simulator/activities",
                "{\"ownerTypeId\":3,\"ownerId\":42,\"typeId\":2,\"responsibleId\":7,\"completed\":true}").json();
        JsonNode many = http.postJson(sim.baseUrl() + "/_simulator/activities",
                "{\"ownerTypeId\":3,\"ownerId\":42,\"count\":60}").json();
        assertThat(one.get("id").asLong()).isEqualTo(11);
        assertThat(many.get("firstId").asLong()).isEqualTo(12);
        assertThat(many.get("lastId").asLong()).isEqualTo(71);
        JsonNode row = list("{\"filter\":{\"ID\":11}}").get("result").get(0);
        assertThat(row.get("OWNER_TYPE_ID").asText()).isEqualTo("3");
        assertThat(row.get("OWNER_ID").asText()).isEqualTo("42");
        assertThat(row.get("TYPE_ID").asText()).isEqualTo("2");
        assertThat(row.get("RESPONSIBLE_ID").asText()).isEqualTo("7");
        assertThat(row.get("COMPLETED").asText()).isEqualTo("Y");
        // an owner needs both halves
        assertThat(http.postJson(sim.baseUrl() + "/_simulator/activities", "{\"ownerId\":42}").status()).isEqualTo(400);
    }

    @Test
    void filtersOnFieldsWithEveryOperator() throws Exception {
        SimulatorControl c = sim.control();
        long a = c.addActivity(ActivitySpec.plain().owner(3, 42).type(2).responsible(5));            // 11
        long b = c.addActivity(ActivitySpec.plain().owner(3, 42).type(6).responsible(7).completed(true)); // 12
        long d = c.addActivity(ActivitySpec.plain().owner(3, 43).type(2).responsible(5));            // 13
        long e = c.addActivity(ActivitySpec.plain().owner(2, 42).type(6).responsible(9));            // 14
        assertThat(ids(list("{\"filter\":{\"OWNER_TYPE_ID\":3,\"OWNER_ID\":42}}"))).containsExactly(a, b);
        assertThat(ids(list("{\"filter\":{\"=OWNER_TYPE_ID\":\"3\",\"OWNER_ID\":\"42\"}}"))).containsExactly(a, b);
        assertThat(ids(list("{\"filter\":{\"OWNER_TYPE_ID\":3,\"!OWNER_ID\":42}}"))).containsExactly(d);
        assertThat(ids(list("{\"filter\":{\"OWNER_TYPE_ID\":3,\"!=OWNER_ID\":42}}"))).containsExactly(d);
        assertThat(ids(list("{\"filter\":{\"OWNER_TYPE_ID\":3,\"TYPE_ID\":2}}"))).containsExactly(a, d);
        assertThat(ids(list("{\"filter\":{\"RESPONSIBLE_ID\":[7,9]}}"))).containsExactly(b, e);
        assertThat(ids(list("{\"filter\":{\"@RESPONSIBLE_ID\":[7,9]}}"))).containsExactly(b, e);
        assertThat(ids(list("{\"filter\":{\"!@RESPONSIBLE_ID\":[1,7,9]}}"))).containsExactly(a, d);
        assertThat(ids(list("{\"filter\":{\"COMPLETED\":\"Y\"}}"))).containsExactly(b);
        assertThat(ids(list("{\"filter\":{\">ID\":12,\"<=ID\":14}}"))).containsExactly(d, e);
        assertThat(ids(list("{\"filter\":{\">=ID\":12,\"<ID\":14}}"))).containsExactly(b, d);
        // the seeded ones (owner deal 1) match none of these
        assertThat(ids(list("{\"filter\":{\"OWNER_ID\":1,\"<ID\":4}}"))).containsExactly(1L, 2L, 3L);
        // the same through the query string, PHP-style (the @2bad/bitrix form)
        JsonNode viaQuery = http.get(sim.webhookUrl() + "crm.activity.list?filter[OWNER_TYPE_ID]=3&filter[%21OWNER_ID]=42"
                + "&select[]=ID").json();
        assertThat(ids(viaQuery)).containsExactly(d);
    }

    @Test
    void selectReturnsOnlyTheFieldsAskedForAndOrderReverses() throws Exception {
        JsonNode reply = list("{\"select\":[\"ID\"],\"order\":{\"ID\":\"DESC\"},\"filter\":{\"<=ID\":3}}");
        assertThat(ids(reply)).containsExactly(3L, 2L, 1L);
        JsonNode row = reply.get("result").get(0);
        assertThat(row.size()).isEqualTo(1);
        assertThat(row.get("ID").isTextual()).isTrue();
        assertThat(list("{\"select\":[\"*\"],\"filter\":{\"ID\":1}}").get("result").get(0).has("SUBJECT")).isTrue();
    }

    @Test
    void pagesOf50WithNextAndTotalAndStartMinusOneWithout() throws Exception {
        sim.control().addActivities(ActivitySpec.plain().owner(3, 42), 130);   // 11..140
        String filter = "\"filter\":{\"OWNER_TYPE_ID\":3,\"OWNER_ID\":42}";
        JsonNode first = list("{" + filter + ",\"order\":{\"ID\":\"ASC\"}}");
        assertThat(first.get("result")).hasSize(50);
        assertThat(first.get("total").asInt()).isEqualTo(130);
        assertThat(first.get("next").asInt()).isEqualTo(50);
        JsonNode third = list("{" + filter + ",\"start\":100}");
        assertThat(third.get("result")).hasSize(30);
        assertThat(third.has("next")).isFalse();

        // keyset paging, the documented fast way: no count, no next, the >ID filter moves on
        List<Long> all = new ArrayList<>();
        long after = 0;
        int pages = 0;
        while (true) {
            JsonNode page = list("{\"filter\":{\"OWNER_TYPE_ID\":3,\"OWNER_ID\":42,\">ID\":" + after + "},"
                    + "\"order\":{\"ID\":\"ASC\"},\"select\":[\"ID\"],\"start\":-1}");
            pages++;
            assertThat(page.has("total")).isFalse();
            assertThat(page.has("next")).isFalse();
            List<Long> ids = ids(page);
            all.addAll(ids);
            if (ids.size() < 50) {
                break;
            }
            after = ids.get(ids.size() - 1);
        }
        assertThat(pages).isEqualTo(3);
        assertThat(all).hasSize(130).startsWith(11L).endsWith(140L).doesNotHaveDuplicates();
    }

    @Test
    void aFilterOrOrderThatIsNotAnObjectIsRefusedAsTheServerDoes() throws Exception {
        SimulatorHttpClient.Reply filter = http.get(sim.webhookUrl() + "crm.activity.list?filter=5");
        assertThat(filter.status()).isEqualTo(400);
        assertThat(filter.json().get("error").asText()).isEmpty();
        assertThat(filter.description()).isEqualTo("Parameter 'filter' must be array.");
        assertThat(http.get(sim.webhookUrl() + "crm.activity.list?order=ID").description())
                .isEqualTo("Parameter 'order' must be array.");
    }

    @Test
    void listCallsSpendTheRequestBucketAndTheirOwnOperatingTimeAloneAndInsideBatch() throws Exception {
        sim.control().setOperatingTimeLimit(OperatingTimeLimit.DEFAULT.withLimit(Duration.ofMillis(1000))
                .withBucketLength(Duration.ofSeconds(10)).withProcessingTimePerCall(Duration.ofMillis(600)));
        JsonNode alone = list("{\"start\":-1}");
        assertThat(alone.get("time").get("operating").asDouble()).isGreaterThanOrEqualTo(0.6);
        JsonNode batch = http.postJson(sim.webhookUrl() + "batch",
                "{\"halt\":0,\"cmd\":{\"a\":\"crm.activity.list?start=-1\",\"b\":\"crm.activity.list?start=-1\"}}").json();
        // the second list of the batch finds the method's window spent: 429 inside the 200 reply
        assertThat(batch.get("result").get("result_time").get("a").get("operating").asDouble()).isGreaterThanOrEqualTo(1.2);
        assertThat(batch.get("result").get("result_error").get("b").get("error").asText()).isEqualTo("OPERATION_TIME_LIMIT");
        // the window is the list method's own: deletes still go
        assertThat(http.get(sim.webhookUrl() + "crm.activity.delete?id=1").status()).isEqualTo(200);
        assertThat(sim.control().callCount("crm.activity.list")).isEqualTo(3);

        sim.control().setOperatingTimeLimit(OperatingTimeLimit.DEFAULT);
        sim.control().setRatePlan(RatePlan.custom(3, 0.001));
        int refused = 0;
        for (int i = 0; i < 5; i++) {
            if (http.get(sim.webhookUrl() + "crm.activity.list?start=-1").status() == 503) {
                refused++;
            }
        }
        assertThat(refused).isEqualTo(2);
    }
}
