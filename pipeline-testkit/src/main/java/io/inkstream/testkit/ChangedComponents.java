package io.inkstream.testkit;

import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/** Which components of a record a copy changed: what a config's {@code with...} copies are checked by. */
public final class ChangedComponents {
    private ChangedComponents() {
    }

    /** The names of the components whose values differ between {@code before} and {@code after}, in declaration order. */
    public static <R extends Record> List<String> between(R before, R after) {
        if (before.getClass() != after.getClass()) {
            throw new IllegalArgumentException(before.getClass() + " against " + after.getClass());
        }
        return Arrays.stream(before.getClass().getRecordComponents())
                .filter(component -> !Objects.equals(value(component, before), value(component, after)))
                .map(RecordComponent::getName).toList();
    }

    private static Object value(RecordComponent component, Record record) {
        try {
            return component.getAccessor().invoke(record);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("reading " + component.getName() + " of " + record.getClass().getSimpleName(), e);
        }
    }
}
