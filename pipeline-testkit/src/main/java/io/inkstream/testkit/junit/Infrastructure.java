package io.inkstream.testkit.junit;

import java.util.Locale;

/** Where a test's broker and Cassandra node come from. */
public enum Infrastructure {
    /** An in-process KRaft broker and a forked Cassandra node from Maven Central: always available. */
    EMBEDDED,
    /** Testcontainers with the official images: only where a Docker engine runs. */
    CONTAINERS;

    public static final String PROPERTY = "inkstream.infra";

    /** The kind chosen with {@code -Dinkstream.infra=embedded|containers}; embedded when unset. */
    public static Infrastructure fromSystemProperty() {
        String value = System.getProperty(PROPERTY, "embedded").strip();
        try {
            return value.isEmpty() ? EMBEDDED : valueOf(value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("-D" + PROPERTY + "=" + value + " is not one of embedded, containers", e);
        }
    }
}
