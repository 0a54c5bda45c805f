package io.inkstream.store;

import com.datastax.oss.driver.api.core.CqlIdentifier;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.metadata.Metadata;
import com.datastax.oss.driver.api.core.metadata.Node;
import com.datastax.oss.driver.api.core.metadata.NodeState;
import com.datastax.oss.driver.api.core.metadata.TokenMap;
import com.datastax.oss.driver.api.core.metadata.token.TokenRange;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the services' reads and writes ({@code LOCAL_QUORUM}) can succeed, as the driver sees the ring now: every
 * token range of the keyspace has a majority of its replicas in the local datacenter up. "Some node is up" is not
 * enough: with two nodes of three gone every request is refused though one node answers. Reads only the driver's
 * metadata, no request.
 */
public final class RingQuorum {
    private static final Logger log = LoggerFactory.getLogger(RingQuorum.class);

    private final CqlSession session;
    private final String localDatacenter;
    private final String waiting;
    private volatile boolean reachable = true;

    /**
     * @param waiting what this service does while there is no quorum, for the log: "uploads are accepted, answers wait"
     */
    public RingQuorum(CqlSession session, String localDatacenter, String waiting) {
        this.session = session;
        this.localDatacenter = localDatacenter;
        this.waiting = waiting;
    }

    /** The ring's state now; a change from the last check is logged once. */
    public State check() {
        State state = of(session, localDatacenter);
        if (state.reachable() != reachable) {
            reachable = state.reachable();
            if (reachable) {
                log.info("cassandra quorum regained {}", state.describe());
            } else {
                log.warn("cassandra quorum lost {}: {}", state.describe(), waiting);
            }
        }
        return state;
    }

    /**
     * @param reachable  whether every token range has a majority of its replicas up
     * @param nodesUp    nodes the driver sees up
     * @param nodes      nodes the driver knows
     */
    public record State(boolean reachable, int nodesUp, int nodes) {
        /** For a health body and a log line: "quorum (3 of 3 nodes up)", "no quorum (1 of 3 nodes up)". */
        public String describe() {
            return (reachable ? "quorum" : "no quorum") + " (" + nodesUp + " of " + nodes + " nodes up)";
        }
    }

    public static State of(CqlSession session, String localDatacenter) {
        Metadata metadata = session.getMetadata();
        List<Node> nodes = metadata.getNodes().values().stream().filter(node -> localDatacenter.equals(node.getDatacenter())).toList();
        int up = (int) nodes.stream().filter(RingQuorum::up).count();
        Optional<TokenMap> tokens = metadata.getTokenMap();
        CqlIdentifier keyspace = CqlIdentifier.fromCql(PredictionSchema.KEYSPACE);
        if (tokens.isEmpty() || metadata.getKeyspace(keyspace).isEmpty()) {
            // Before the schema exists (or with token metadata off) the ring cannot be read by range: a majority of nodes.
            return new State(up * 2 > nodes.size(), up, nodes.size());
        }
        for (TokenRange range : tokens.get().getTokenRanges()) {
            List<Node> replicas = tokens.get().getReplicas(keyspace, range).stream()
                    .filter(node -> localDatacenter.equals(node.getDatacenter())).toList();
            long replicasUp = replicas.stream().filter(RingQuorum::up).count();
            if (replicasUp * 2 <= replicas.size()) {
                return new State(false, up, nodes.size());
            }
        }
        return new State(up > 0, up, nodes.size());
    }

    private static boolean up(Node node) {
        return node.getState() == NodeState.UP;
    }
}
