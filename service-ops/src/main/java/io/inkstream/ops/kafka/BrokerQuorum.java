package io.inkstream.ops.kafka;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeMetadataQuorumOptions;
import org.apache.kafka.clients.admin.QuorumInfo;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the Kafka cluster has a majority: its KRaft quorum has a leader ({@code DescribeMetadataQuorum}). A broker
 * that still answers is not enough: with two of three nodes gone, the last one answers metadata requests from a
 * stale picture while no write with {@code acks=all} and {@code min.insync.replicas=2} can succeed, no leader can
 * move and no group can commit. A client not allowed to describe the cluster, or a cluster that cannot say (not
 * KRaft), falls back to "a broker answers".
 * A check answers for a few seconds: health is polled often, the cluster changes rarely.
 */
public final class BrokerQuorum {
    private static final Logger log = LoggerFactory.getLogger(BrokerQuorum.class);
    private static final Duration CHECK_TTL = Duration.ofSeconds(5);
    private static final int TIMEOUT_MS = 3_000;

    /**
     * @param reachable whether the cluster has a quorum (or, not allowed to ask that, a broker answers)
     * @param describe  for a health body and the log: "quorum (leader 2, 3 voters)", "no quorum (timed out)"
     */
    public record State(boolean reachable, String describe) {
    }

    private final Admin admin;
    private final String waiting;
    private long checkedAt; // System.nanoTime() of the last answer
    private boolean checked;
    private State state = new State(true, "not checked yet");

    /** @param waiting what this service does while there is no quorum, for the log: "uploads are refused with 503" */
    public BrokerQuorum(Admin admin, String waiting) {
        this.admin = admin;
        this.waiting = waiting;
    }

    /** The cluster's state, asked at most every 5 s; a change from the last answer is logged once. */
    public synchronized State check() {
        if (checked && System.nanoTime() - checkedAt < CHECK_TTL.toNanos()) {
            return state;
        }
        State next = ask();
        checkedAt = System.nanoTime();
        checked = true;
        if (next.reachable() != state.reachable()) {
            if (next.reachable()) {
                log.info("kafka quorum regained {}", next.describe());
            } else {
                log.warn("kafka quorum lost {}: {}", next.describe(), waiting);
            }
        }
        state = next;
        return state;
    }

    private State ask() {
        try {
            QuorumInfo quorum = admin.describeMetadataQuorum(new DescribeMetadataQuorumOptions().timeoutMs(TIMEOUT_MS)).quorumInfo()
                    .get(TIMEOUT_MS + 1_000L, TimeUnit.MILLISECONDS);
            if (quorum.leaderId() < 0) {
                return new State(false, "no quorum (no leader among " + quorum.voters().size() + " voters)");
            }
            return new State(true, "quorum (leader " + quorum.leaderId() + ", " + quorum.voters().size() + " voters)");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof ClusterAuthorizationException || e.getCause() instanceof UnsupportedVersionException) {
                return brokerAnswers();
            }
            return new State(false, "no quorum (" + reason(e.getCause()) + ")");
        } catch (TimeoutException e) {
            return new State(false, "no quorum (no answer in " + (TIMEOUT_MS + 1_000) + " ms)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return state;
        }
    }

    /** For a client without DESCRIBE on the cluster (a locked-down deployment), or a cluster without KRaft: whether a broker answers. */
    private State brokerAnswers() {
        try {
            int brokers = admin.describeCluster(new DescribeClusterOptions().timeoutMs(TIMEOUT_MS)).nodes()
                    .get(TIMEOUT_MS + 1_000L, TimeUnit.MILLISECONDS).size();
            return new State(true, "a broker answers (" + brokers + " known; not allowed to see the quorum)");
        } catch (ExecutionException | TimeoutException e) {
            return new State(false, "no broker answers (" + reason(e instanceof ExecutionException ? e.getCause() : e) + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return state;
        }
    }

    private static String reason(Throwable error) {
        return error == null ? "unknown" : error.getClass().getSimpleName();
    }
}
