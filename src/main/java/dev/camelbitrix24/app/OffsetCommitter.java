package dev.camelbitrix24.app;

import org.apache.camel.Exchange;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.kafka.consumer.KafkaManualCommit;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Last route step: commits the request's offset, synchronously, once its outcome record has been acknowledged by
 * Kafka. A commit that fails (the partition moved to another instance meanwhile) only means the request may get a
 * second, identical outcome from the new owner; it never loses one, so it is logged and the route goes on.
 */
public class OffsetCommitter {

    private static final Logger LOG = LoggerFactory.getLogger(OffsetCommitter.class);

    public void commit(Exchange exchange) {
        KafkaManualCommit manual = exchange.getMessage().getHeader(KafkaConstants.MANUAL_COMMIT, KafkaManualCommit.class);
        if (manual == null) {
            throw new IllegalStateException("No " + KafkaConstants.MANUAL_COMMIT
                    + " header: the request consumer must run with allowManualCommit=true and autoCommitEnable=false");
        }
        try {
            manual.commit();
        } catch (KafkaException e) {
            LOG.warn("Could not commit the offset of {}: {}; the request may be processed once more", manual, e.getMessage());
        }
    }
}
