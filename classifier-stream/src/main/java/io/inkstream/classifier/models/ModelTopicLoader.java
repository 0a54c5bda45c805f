package io.inkstream.classifier.models;

import io.inkstream.image.artifact.ModelPublications;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Keeps the global store of the models topic and offers every artifact to the registry, with its
 * offset: the latest accepted publication is the active model. At start it offers what the store
 * already holds (restored from the topic, without offsets: older than any record that follows), so
 * a restarted instance knows every published model before its stream threads classify anything.
 */
public final class ModelTopicLoader implements Processor<String, byte[], Void, Void> {
    private final String storeName;
    private final ModelRegistry registry;
    private KeyValueStore<String, byte[]> store;
    private ProcessorContext<Void, Void> context;

    public ModelTopicLoader(String storeName, ModelRegistry registry) {
        this.storeName = storeName;
        this.registry = registry;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        this.context = context;
        store = context.getStateStore(storeName);
        try (KeyValueIterator<String, byte[]> all = store.all()) {
            all.forEachRemaining(entry -> registry.offer(entry.key, entry.value));
        }
    }

    @Override
    public void process(Record<String, byte[]> record) {
        if (record.value() == null) {
            store.delete(record.key());
        } else {
            store.put(record.key(), record.value());
        }
        registry.offer(record.key(), record.value(), context.recordMetadata().map(RecordMetadata::offset)
                .orElse(ModelPublications.UNKNOWN_POSITION));
    }
}
