package io.inkstream.testkit.kafka;

import io.inkstream.infra.kafka.KafkaCluster;
import io.inkstream.ops.kafka.GroupLag;
import java.time.Duration;
import org.apache.kafka.clients.admin.Admin;

/** How far a consumer group has come on a topic, as the tests wait for it. */
public final class GroupProgress {
    private GroupProgress() {
    }

    /**
     * Polls until {@code group} has committed the end of {@code topic} ({@link GroupLag}: what it has not consumed by then it
     * never will); fails with the lag it last saw.
     */
    public static void awaitCommittedToEnd(KafkaCluster kafka, String group, String topic, Duration deadline) throws Exception {
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            GroupLag lag = new GroupLag(admin);
            long end = System.nanoTime() + deadline.toNanos();
            long behind;
            do {
                behind = lag.of(group, topic);
                if (behind == 0) {
                    return;
                }
                Thread.sleep(250);
            } while (System.nanoTime() < end);
            throw new AssertionError("group " + group + " did not commit the end of " + topic + " within " + deadline + "; " + behind
                    + " records behind");
        }
    }
}
