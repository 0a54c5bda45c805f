package io.inkstream.gateway.upload;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.DriverException;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.ResultSet;
import com.datastax.oss.driver.api.core.cql.Row;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Idempotency-Keys shared by every gateway instance and kept across restarts, in Cassandra's
 * {@code upload_keys}: the first request with a key claims it with a lightweight transaction and
 * publishes; a retry, on any instance, finds the claim and is answered without publishing again;
 * two concurrent requests with one key publish once, the second waiting for the first. A claim whose
 * owner died (still publishing after the publish timeout and a margin) or whose publication failed
 * is taken over, again by a lightweight transaction, so that exactly one retry goes on; it publishes with
 * {@code TakenOverPublisher}, which leaves out what the dead or failed request got onto the topic after all.
 *
 * <p>When Cassandra cannot be reached the request is published anyway, under the ids derived from its
 * key ({@link IdempotencyKeys#imageId}): availability first; a retry during an outage may then be
 * classified twice, as the same image.
 */
public final class SharedKeys {
    private static final Logger log = LoggerFactory.getLogger(SharedKeys.class);
    private static final Duration POLL = Duration.ofMillis(100);
    /** Tries of a lightweight transaction that failed on its way, before Cassandra counts as unavailable. */
    private static final int ATTEMPTS = 4;

    /**
     * When the requests that held the key claimed it, earliest first: each sent its records, if any, soon after its claim.
     * Every claim is kept through take-overs (schema 10's {@code claims}), so that after two failures of one key the first
     * request's records are still looked for, and a key claimed an hour apart is searched near each claim, not over the
     * hour between (more than a search may read: it would be refused on every retry).
     */
    public record EarlierClaims(List<Instant> times) {
        public EarlierClaims {
            times = times.stream().distinct().sorted().toList();
        }

        /** From a claim row: its {@code claims}, and the claims that rows written before schema 10 kept in their own columns. */
        static EarlierClaims of(Row held) {
            Set<Instant> times = new HashSet<>(held.getSet("claims", Instant.class));
            times.add(held.getInstant("claimed_at"));
            if (!held.isNull("first_claimed_at")) {
                times.add(held.getInstant("first_claimed_at"));
            }
            return new EarlierClaims(List.copyOf(times));
        }
    }

    /** Where a key's request stands. */
    enum State { PUBLISHING, PUBLISHED, FAILED }

    /** What a request may do with its key. */
    public sealed interface Decision {
        /**
         * This request owns the key: publish, then report {@link #published} or {@link #failed}. {@code earlier}: present
         * when requests held the key before and died or failed while publishing; their records may be on the topic or still
         * turn up, so publish with {@code TakenOverPublisher}, which leaves them out.
         */
        record Publish(String owner, Optional<EarlierClaims> earlier) implements Decision {
        }

        /** The images were published for this key before: answer as then, publish nothing. */
        record Replay() implements Decision {
        }

        /** The key was used for other images. */
        record Reused() implements Decision {
        }

        /** Cassandra cannot say: publish without a claim. */
        record Unavailable(String reason) implements Decision {
        }
    }

    private final CqlSession session;
    private final Duration staleAfter;
    private final Clock clock;
    private final PreparedStatement claim;
    private final PreparedStatement takeOver;
    private final PreparedStatement settle;
    private volatile boolean unavailable;

    /**
     * @param staleAfter how long a claim may stay unsettled before its owner counts as dead: more than the publish timeout,
     *                   so that nothing the owner sent can still reach the broker after that
     */
    public SharedKeys(CqlSession session, Duration staleAfter, Clock clock) {
        this.session = session;
        this.staleAfter = staleAfter;
        this.clock = clock;
        this.claim = session.prepare("INSERT INTO inkstream.upload_keys (idempotency_key, request_digest, state, owner, claimed_at,"
                + " first_claimed_at, claims) VALUES (?, ?, 'publishing', ?, ?, ?, ?) IF NOT EXISTS");
        this.takeOver = session.prepare("UPDATE inkstream.upload_keys SET state = 'publishing', owner = ?, claimed_at = ?,"
                + " claims = claims + ? WHERE idempotency_key = ? IF owner = ? AND state = ?");
        this.settle = session.prepare("UPDATE inkstream.upload_keys SET state = ? WHERE idempotency_key = ? IF owner = ?");
    }

    /**
     * Claims the key for a request whose images have this digest and these ids, waiting while another request holds it.
     * A lightweight transaction that fails on its way (its node died, a timeout) is tried again, up to
     * {@link #ATTEMPTS} times: its outcome is unknown, so an earlier attempt of this request may hold the key already,
     * which the next attempt recognises by its owner. Only then is Cassandra taken to be unavailable.
     */
    public Decision claim(String key, String digest) throws InterruptedException {
        String owner = UUID.randomUUID().toString();
        Instant waitUntil = clock.instant().plus(staleAfter).plus(staleAfter);
        int failures = 0;
        State takingOverFrom = null; // the state and claim time of a take-over tried and not known to have failed
        EarlierClaims takingOverClaims = null;
        while (true) {
            try {
                Instant now = clock.instant();
                ResultSet inserted = session.execute(claim.bind(key, digest, owner, now, now, Set.of(now)));
                available();
                if (inserted.wasApplied()) {
                    return new Decision.Publish(owner, Optional.empty());
                }
                Row held = inserted.one();
                if (!digest.equals(held.getString("request_digest"))) {
                    return new Decision.Reused();
                }
                if (owner.equals(held.getString("owner"))) { // an attempt of ours was applied; its answer was lost
                    return takingOverFrom == null ? new Decision.Publish(owner, Optional.empty())
                            : takenOver(key, owner, takingOverFrom, takingOverClaims);
                }
                State state = State.valueOf(held.getString("state").toUpperCase(Locale.ROOT));
                if (state == State.PUBLISHED) {
                    return new Decision.Replay();
                }
                boolean stale = held.getInstant("claimed_at").plus(staleAfter).isBefore(clock.instant());
                if (state == State.FAILED || stale) {
                    takingOverFrom = state;
                    takingOverClaims = EarlierClaims.of(held);
                    Instant claimedAt = clock.instant();
                    ResultSet taken = session.execute(takeOver.bind(owner, claimedAt, Set.of(claimedAt), key, held.getString("owner"),
                            state.name().toLowerCase(Locale.ROOT)));
                    if (taken.wasApplied()) {
                        return takenOver(key, owner, state, takingOverClaims);
                    }
                    takingOverFrom = null;
                    continue; // another retry took it first: look again
                }
                if (clock.instant().isAfter(waitUntil)) {
                    return new Decision.Unavailable("the request holding this key neither finished nor went stale");
                }
                Thread.sleep(POLL.toMillis()); // a concurrent request with this key is publishing: its answer is ours
            } catch (DriverException e) {
                if (++failures < ATTEMPTS) {
                    Thread.sleep(POLL.toMillis() * failures);
                    continue;
                }
                if (!unavailable) {
                    unavailable = true;
                    log.warn("idempotency keys unavailable, publishing without a claim reason=\"{}\"", e.getMessage());
                }
                return new Decision.Unavailable(e.getMessage());
            }
        }
    }

    /** The key is this request's now; the one that held it may have got some or all of its images onto the topic. */
    private static Decision takenOver(String key, String owner, State from, EarlierClaims earlier) {
        log.info("idempotency key taken over key_sha={} from_state={}", shortHash(key), from.name().toLowerCase(Locale.ROOT));
        return new Decision.Publish(owner, Optional.of(earlier));
    }

    /** The owner's images reached the broker: every later request with the key is answered from this. */
    public void published(String key, String owner) {
        settle(key, owner, State.PUBLISHED);
    }

    /** The owner's images did not reach the broker (503): the next request with the key publishes. */
    public void failed(String key, String owner) {
        settle(key, owner, State.FAILED);
    }

    private void settle(String key, String owner, State state) {
        session.executeAsync(settle.bind(state.name().toLowerCase(Locale.ROOT), key, owner)).whenComplete((result, error) -> {
            if (error != null) {
                // The claim stays "publishing" and goes stale: a retry then publishes again, the same ids.
                log.warn("idempotency key not settled key_sha={} state={} reason=\"{}\"", shortHash(key), state, error.getMessage());
            }
        });
    }

    private void available() {
        if (unavailable) {
            unavailable = false;
            log.info("idempotency keys available again");
        }
    }

    /** Keys are the client's; logs carry a short hash of one, never the key. */
    private static String shortHash(String key) {
        return UUID.nameUUIDFromBytes(key.getBytes(java.nio.charset.StandardCharsets.UTF_8)).toString().substring(0, 8);
    }
}
