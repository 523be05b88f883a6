package dev.camelbitrix24.app;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.component.kafka.consumer.errorhandler.KafkaConsumerListener;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Applies {@link PortalWaitPause} to the request consumers, through the route's {@code pausable} step: camel-kafka
 * calls {@link #afterConsume} after every poll, on the consumer's own thread, with that consumer. While the portal
 * waits, the consumer's partitions are paused (it keeps polling, so it stays in its group however long the wait
 * lasts); when the wait ends, the partitions this paused are resumed, from where they are: the pipeline moved each
 * back to its first held request already. Pausing on the consumer's own thread leaves nothing to race: the consumer
 * is never touched from another thread (suspending the route instead goes through camel-kafka's pause and resume
 * requests, which a consumer thread busy with a poll while both came could apply in the wrong order, and stay paused).
 */
public class PortalWaitListener extends KafkaConsumerListener implements Predicate<Object>, CamelContextAware {

    private CamelContext camelContext;
    private volatile PortalWaitPause pause;

    public PortalWaitListener() {
    }

    /** For a given pause, without a Camel context to find it in. */
    PortalWaitListener(PortalWaitPause pause) {
        this.pause = pause;
    }
    /** Per consumer: the partitions this paused. Each entry is used only on its consumer's thread. */
    private final Map<Consumer<?, ?>, Set<TopicPartition>> paused = new ConcurrentHashMap<>();

    @Override
    public void setCamelContext(CamelContext camelContext) {
        this.camelContext = camelContext;
    }

    @Override
    public CamelContext getCamelContext() {
        return camelContext;
    }

    /** After every poll, on the consumer's thread: always lets camel-kafka go on with what the poll returned. */
    @Override
    public boolean afterConsume(Object consumer) {
        if (consumer instanceof Consumer<?, ?> kafkaConsumer) {
            apply(kafkaConsumer);
        }
        return true;
    }

    @Override
    public boolean afterProcess(org.apache.camel.component.kafka.consumer.support.ProcessingResult result) {
        return true;
    }

    /** Pauses or resumes this consumer's partitions as the portal's wait says; call only on the consumer's thread. */
    void apply(Consumer<?, ?> consumer) {
        PortalWaitPause wait = pause();
        if (wait != null && wait.current() != null) {
            Set<TopicPartition> assignment = consumer.assignment();
            if (!consumer.paused().containsAll(assignment)) {
                // every poll while waiting: a partition assigned meanwhile (a rebalance resumes even one it had before)
                // is paused too
                consumer.pause(assignment);
                paused.computeIfAbsent(consumer, c -> new HashSet<>()).addAll(assignment);
            }
            return;
        }
        Set<TopicPartition> mine = paused.remove(consumer);
        if (mine != null && !mine.isEmpty()) {
            Set<TopicPartition> stillAssigned = new HashSet<>(consumer.assignment());
            stillAssigned.retainAll(mine);
            consumer.resume(stillAssigned);
        }
    }

    /** The route's {@code untilCheck}: whether the consumers may take requests now. */
    @Override
    public boolean test(Object ignored) {
        PortalWaitPause wait = pause();
        return wait == null || wait.current() == null;
    }

    private PortalWaitPause pause() {
        PortalWaitPause p = pause;
        if (p == null && camelContext != null) {
            p = camelContext.getRegistry().findSingleByType(PortalWaitPause.class);
            pause = p;
        }
        return p;
    }
}
