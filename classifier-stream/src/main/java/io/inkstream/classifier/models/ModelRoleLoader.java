package io.inkstream.classifier.models;

import io.inkstream.contract.role.InvalidModelRoleException;
import io.inkstream.contract.role.ModelRoles;
import java.util.Optional;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the global store of the model-roles topic and tells the registry which model is the shadow. At start it reads what the
 * store holds (restored from the topic), so a restarted instance shadows before it classifies. A record that names no role or
 * no version is logged and ignored (the shadow named before stays): no record can stop the classifier.
 */
public final class ModelRoleLoader implements Processor<String, byte[], Void, Void> {
    private static final Logger log = LoggerFactory.getLogger(ModelRoleLoader.class);

    private final String storeName;
    private final ModelRegistry registry;
    private KeyValueStore<String, byte[]> store;

    public ModelRoleLoader(String storeName, ModelRegistry registry) {
        this.storeName = storeName;
        this.registry = registry;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        store = context.getStateStore(storeName);
        try (KeyValueIterator<String, byte[]> all = store.all()) {
            all.forEachRemaining(entry -> offer(entry.key, entry.value));
        }
    }

    @Override
    public void process(Record<String, byte[]> record) {
        if (record.key() == null) {
            log.warn("model role ignored reason=\"no key\"");
            return; // a store keeps no null key
        }
        if (record.value() == null) {
            store.delete(record.key());
        } else {
            store.put(record.key(), record.value());
        }
        offer(record.key(), record.value());
    }

    private void offer(String key, byte[] value) {
        try {
            Optional<String> version = ModelRoles.read(key, value);
            registry.shadow(version);
        } catch (InvalidModelRoleException e) {
            log.warn("model role ignored key={} reason=\"{}\"", key, e.getMessage());
        }
    }
}
