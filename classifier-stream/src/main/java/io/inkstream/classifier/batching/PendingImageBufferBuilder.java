package io.inkstream.classifier.batching;

import io.inkstream.contract.topic.PipelineTopics;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * Builds the {@link PendingImageBuffer} around an in-memory, changelogged, uncached key-value
 * store. Logging is always on: without its changelog the buffer would lose images in a crash.
 */
public final class PendingImageBufferBuilder implements StoreBuilder<PendingImageBuffer> {
    private final StoreBuilder<KeyValueStore<Long, PendingImage>> inner;
    private final BatchSettings.Buffer mode;

    public PendingImageBufferBuilder(String name, BatchSettings.Buffer mode) {
        this.mode = mode;
        this.inner = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name), Serdes.Long(), PendingImage.serde())
                // An entry is a whole image record: the broker's default limit (1 MiB) is below an image at the cap with its headers.
                .withLoggingEnabled(Map.of("max.message.bytes", Integer.toString(PipelineTopics.IMAGE_COPY_MAX_MESSAGE_BYTES)))
                .withCachingDisabled();
    }

    @Override
    public PendingImageBuffer build() {
        return new PendingImageBuffer(inner.build(), mode == BatchSettings.Buffer.CHANGELOG);
    }

    @Override
    public Map<String, String> logConfig() {
        return inner.logConfig();
    }

    @Override
    public boolean loggingEnabled() {
        return true;
    }

    @Override
    public String name() {
        return inner.name();
    }

    @Override
    public StoreBuilder<PendingImageBuffer> withCachingEnabled() {
        throw new UnsupportedOperationException("the buffer is its own cache");
    }

    @Override
    public StoreBuilder<PendingImageBuffer> withCachingDisabled() {
        return this;
    }

    @Override
    public StoreBuilder<PendingImageBuffer> withLoggingEnabled(Map<String, String> config) {
        inner.withLoggingEnabled(config);
        return this;
    }

    @Override
    public StoreBuilder<PendingImageBuffer> withLoggingDisabled() {
        throw new UnsupportedOperationException("the buffer needs its changelog to survive a crash");
    }
}
