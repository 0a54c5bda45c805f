package io.inkstream.classifier.batching;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.internals.CacheFlushListener;
import org.apache.kafka.streams.state.internals.CachedStateStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The batch buffer: pending images in memory, and in a changelogged store only what is still
 * pending when the task commits.
 *
 * <p>A changelogged store written on every put and delete costs two changelog records per image;
 * most images are classified long before the next commit, so those records are wasted. Kafka
 * Streams 4.3 calls {@link #flushCache()} on every registered store that is a
 * {@link CachedStateStore} in {@code StreamTask.prepareCommit}, before it flushes the producer
 * and commits the transaction with the input offsets (and before revocation and clean shutdown).
 * At that moment this store makes its changelogged inner store equal to the pending set, so the
 * images whose offsets commit are exactly the ones in the changelog of the same transaction.
 * After a crash the inner store is restored from the changelog and its entries become pending
 * again ({@link #recoverRestored()}).
 *
 * <p><b>This relies on an internal hook</b> ({@code CachedStateStore}, marked for removal upstream).
 * The Kafka version is pinned, and {@code ClassifierCrashIT} kills the instance mid-stream: an
 * upgrade that drops the hook loses images there and fails the build.
 */
public final class PendingImageBuffer implements StateStore, CachedStateStore<Long, PendingImage> {
    private static final Logger log = LoggerFactory.getLogger(PendingImageBuffer.class);
    private final KeyValueStore<Long, PendingImage> changelogged;
    private final boolean durable;
    private final TreeMap<Long, PendingImage> pending = new TreeMap<>();
    /** Keys the changelogged store holds now. */
    private final Set<Long> persisted = new HashSet<>();

    PendingImageBuffer(KeyValueStore<Long, PendingImage> changelogged, boolean durable) {
        this.changelogged = changelogged;
        this.durable = durable;
    }

    public void add(long offset, PendingImage image) {
        pending.put(offset, image);
    }

    public int size() {
        return pending.size();
    }

    /** One pending image handed over and forgotten (null if it is not pending); the next commit tombstones it if it was persisted. */
    public PendingImage remove(long offset) {
        return pending.remove(offset);
    }

    /** The pending images, oldest first, left pending. */
    public List<KeyValue<Long, PendingImage>> entries() {
        List<KeyValue<Long, PendingImage>> all = new ArrayList<>(pending.size());
        pending.forEach((offset, image) -> all.add(KeyValue.pair(offset, image)));
        return all;
    }

    /** Called by the task before it commits: the changelog becomes the pending set, in the commit's transaction. */
    @Override
    public void flushCache() {
        if (!durable) {
            return;
        }
        for (Long key : new ArrayList<>(persisted)) {
            if (!pending.containsKey(key)) {
                changelogged.delete(key);
                persisted.remove(key);
            }
        }
        for (Map.Entry<Long, PendingImage> entry : pending.entrySet()) {
            if (persisted.add(entry.getKey())) {
                changelogged.put(entry.getKey(), entry.getValue());
            }
        }
    }

    /** The task was closed without a commit: what is in memory is void; the changelog will be restored. */
    @Override
    public void clearCache() {
        pending.clear();
        persisted.clear();
    }

    @Override
    public boolean setFlushListener(CacheFlushListener<Long, PendingImage> listener, boolean sendOldValues) {
        return false;
    }

    @Override
    public String name() {
        return changelogged.name();
    }

    @Override
    public void init(StateStoreContext context, StateStore root) {
        changelogged.init(context, root);
    }

    /**
     * Makes what a dead instance left in the changelog pending again. The restoration runs after
     * the store's {@code init} and before the processor's, so the processor calls this; it returns
     * how many images came back.
     */
    public int recoverRestored() {
        pending.clear();
        persisted.clear();
        try (KeyValueIterator<Long, PendingImage> all = changelogged.all()) {
            all.forEachRemaining(entry -> {
                persisted.add(entry.key);
                if (entry.value == null) {
                    // Not an entry this buffer wrote (the serde reads those as null): dropped, and
                    // tombstoned at the next commit, so that a forged record cannot stop the task.
                    log.warn("buffer entry unreadable, dropped store={} input_offset={}", name(), entry.key);
                } else {
                    pending.put(entry.key, entry.value);
                }
            });
        }
        return pending.size();
    }

    @Override
    public void flush() {
        changelogged.flush();
    }

    @Override
    public void close() {
        changelogged.close();
    }

    @Override
    public boolean persistent() {
        return false;
    }

    @Override
    public boolean isOpen() {
        return changelogged.isOpen();
    }
}
