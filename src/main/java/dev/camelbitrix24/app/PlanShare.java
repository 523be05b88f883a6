package dev.camelbitrix24.app;

import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import dev.camelbitrix24.component.Bitrix24Component;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.component.kafka.consumer.support.subcription.DefaultSubscribeAdapter;
import org.apache.camel.component.kafka.consumer.support.subcription.TopicInfo;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Splits the portal's plan between the instances of one consumer group, with no setting per instance: each uses the
 * share of the plan that its partitions are of the request topic's, re-split on every rebalance. Bitrix24 counts the
 * calls of all instances together (one bucket, one operating-time budget per method), so the shares add up to the
 * application's share (the component's {@code planShare} as configured, 1 by default: the whole plan) whatever the
 * number of instances, and each instance paces at its own. It hears the rebalances through camel-kafka's subscribe
 * adapter (the bean named {@code subscribeAdapter}), which subscribes the request consumers with their rebalance
 * listener wrapped in one that reports what each consumer owns.
 * <p>
 * The split follows the partitions, not the requests: it uses the plan fully when requests are spread over the
 * partitions evenly (keys hashed, or none), and leaves the share of an idle partition's owner unused. An instance that
 * owns none keeps one partition's share, for the calls it still has on their way.
 */
public class PlanShare extends DefaultSubscribeAdapter implements CamelContextAware {

    private static final Logger LOG = LoggerFactory.getLogger(PlanShare.class);

    private CamelContext camelContext;
    /** What the component may use in all, read once from its configuration: the part the instances split. */
    private double applicationShare = Double.NaN;
    /** Per consumer of this instance: the partitions it owns now. */
    private final Map<Consumer<?, ?>, Set<TopicPartition>> owned = new ConcurrentHashMap<>();
    private volatile int partitions;
    private double applied = Double.NaN;

    @Override
    public void setCamelContext(CamelContext camelContext) {
        this.camelContext = camelContext;
    }

    @Override
    public CamelContext getCamelContext() {
        return camelContext;
    }

    @Override
    public void subscribe(Consumer<?, ?> consumer, ConsumerRebalanceListener camelListener, TopicInfo topicInfo) {
        super.subscribe(consumer, new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> revoked) {
                camelListener.onPartitionsRevoked(revoked);
                changed(consumer, revoked, false);
            }

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> assigned) {
                changed(consumer, assigned, true);
                camelListener.onPartitionsAssigned(assigned);
            }

            @Override
            public void onPartitionsLost(Collection<TopicPartition> lost) {
                camelListener.onPartitionsLost(lost);
                changed(consumer, lost, false);
            }
        }, topicInfo);
    }

    /** Called on the consumer's thread, inside its poll. */
    private void changed(Consumer<?, ?> consumer, Collection<TopicPartition> changed, boolean assigned) {
        if (assigned && !changed.isEmpty()) {
            Set<String> topics = new HashSet<>();
            changed.forEach(p -> topics.add(p.topic()));
            int count = 0;
            for (String topic : topics) {
                List<PartitionInfo> infos = consumer.partitionsFor(topic);
                count += infos == null ? 0 : infos.size();
            }
            partitions = Math.max(partitions, count);
        }
        Set<TopicPartition> mine = owned.computeIfAbsent(consumer, c -> ConcurrentHashMap.newKeySet());
        if (assigned) {
            mine.addAll(changed);
        } else if (mine.removeAll(changed) && mine.isEmpty()) {
            // a consumer closed or left: forget it (each entry is changed only on its consumer's thread)
            owned.remove(consumer);
        }
        apply();
    }

    private synchronized void apply() {
        int total = partitions;
        if (total == 0 || camelContext == null) {
            return;
        }
        Bitrix24Component component = camelContext.getComponent("bitrix24", Bitrix24Component.class);
        if (Double.isNaN(applicationShare)) {
            applicationShare = component.getPlanShare();
        }
        int mine = owned.values().stream().mapToInt(Set::size).sum();
        double share = applicationShare * Math.max(1, Math.min(mine, total)) / total;
        if (share != applied) {
            component.setPlanShare(share);
            applied = share;
            LOG.info("This instance owns {} of the {} request partitions: it uses {} of the portal's plan", mine, total,
                    String.format(Locale.ROOT, "%.1f %%", share * 100));
        }
    }

    /** The share of the portal's plan this instance uses now (NaN before its first assignment). */
    public synchronized double current() {
        return applied;
    }
}
