package dev.camelbitrix24.app;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import static dev.camelbitrix24.app.KafkaTestClient.header;
import static dev.camelbitrix24.app.KafkaTestClient.text;
import static dev.camelbitrix24.app.KafkaTestClient.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class StandInRoutingDevTest {
    @Test
    void routes() {
        PipelineTopics t = new PipelineTopics("d.req", "d.ok", "d.nf", "d.rej", "d.inv", "d.dlq");
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().temporaryDataDir().start();
             KafkaTestClient kafka = new KafkaTestClient(broker.bootstrapServers())) {
            t.createMissing(kafka.admin(), 2);
            Map<String, String> o = new HashMap<>();
            o.put("bitrix24.kafka.bootstrap-servers", broker.bootstrapServers());
            o.put("bitrix24.topic.requests", t.requests());
            o.put("bitrix24.topic.succeeded", t.succeeded());
            o.put("bitrix24.topic.not-found", t.notFound());
            o.put("bitrix24.topic.rejected", t.rejected());
            o.put("bitrix24.topic.invalid", t.invalid());
            o.put("bitrix24.topic.dead-letter", t.deadLetter());
            o.put("camel.management.enabled", "false");
            o.put("camel.beans.bitrix24", "#class:dev.camelbitrix24.app.StandInBitrix24Component");
            kafka.send(t.requests(), 0, "a", utf8("{\"id\":5,\"requestId\":\"r5\"}"), Map.of("h", "v"));
            kafka.send(t.requests(), 0, "b", utf8("{\"id\":2001}"), Map.of());
            kafka.send(t.requests(), 0, "c", utf8("{\"id\":3001}"), Map.of());
            kafka.send(t.requests(), 1, "d", utf8("{\"id\":5001}"), Map.of());
            kafka.send(t.requests(), 1, "e", utf8("garbage"), Map.of());
            kafka.send(t.requests(), 1, "f", null, Map.of());
            kafka.send(t.requests(), 1, "g", utf8("{\"id\":6001,\"requestId\":\"r6\"}"), Map.of());
            try (Pipeline p = Pipeline.start(o)) {
                await().atMost(Duration.ofSeconds(60)).until(() -> t.outcomeTopics().stream().mapToInt(x -> kafka.readAll(x).size()).sum() >= 7);
            }
            for (String topic : t.outcomeTopics()) {
                for (ConsumerRecord<byte[], byte[]> r : kafka.readAll(topic)) {
                    StringBuilder sb = new StringBuilder(topic + " key=" + text(r.key()) + " value=" + text(r.value()));
                    r.headers().forEach(h -> sb.append(" ").append(h.key()).append("=").append(text(h.value())));
                    System.out.println("OUT " + sb);
                }
            }
            System.out.println("COMMITTED " + kafka.committed("bitrix24-pipeline", t.requests()));
            assertThat(kafka.readAll(t.succeeded())).hasSize(1);
        }
    }
}
