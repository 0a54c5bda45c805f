package io.inkstream.ops.config;

import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Reads {@code INKSTREAM_*} variables once, at start, into typed values. A malformed value fails
 * with the variable's name; so does an {@code INKSTREAM_} variable that nobody reads (a typo that
 * would otherwise be silently ignored), see {@link #rejectUnknown}.
 */
public final class Environment {
    public static final String PREFIX = "INKSTREAM_";

    private final Map<String, String> variables;

    public Environment(Map<String, String> variables) {
        this.variables = Map.copyOf(variables);
    }

    public static Environment system() {
        return new Environment(System.getenv());
    }

    public String string(String name, String defaultValue) {
        String value = variables.get(name);
        return value == null || value.isBlank() ? defaultValue : value.strip();
    }

    /**
     * A value its own parser reads (a list of key files, say), the default where unset; the parser's
     * refusal ({@link IllegalArgumentException}) is a configuration error naming the variable.
     */
    public <T> T parsed(String name, String defaultValue, Function<String, T> parser) {
        try {
            return parser.apply(string(name, defaultValue));
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException(e.getMessage() != null && e.getMessage().contains(name) ? e.getMessage() : name + ": " + e.getMessage());
        }
    }

    public int integer(String name, int defaultValue, int min, int max) {
        String value = variables.get(name);
        if (value == null || value.isBlank()) {
            return defaultValue;
        }
        try {
            int parsed = Integer.parseInt(value.strip());
            if (parsed < min || parsed > max) {
                throw new ConfigurationException(name + "=" + value + " is out of range " + min + ".." + max);
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw new ConfigurationException(name + "=" + value + " is not a whole number");
        }
    }

    public <E extends Enum<E>> E choice(String name, E defaultValue) {
        String value = variables.get(name);
        if (value == null || value.isBlank()) {
            return defaultValue;
        }
        try {
            return Enum.valueOf(defaultValue.getDeclaringClass(), value.strip().toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException(name + "=" + value + " is not one of "
                    + Arrays.toString(defaultValue.getDeclaringClass().getEnumConstants()).toLowerCase(Locale.ROOT));
        }
    }

    /** A list of {@code host[:port]}, comma-separated; hosts without a port get the default port. */
    public List<InetSocketAddress> addresses(String name, String defaultValue, int defaultPort) {
        String value = string(name, defaultValue);
        try {
            return Arrays.stream(value.split(","))
                    .map(String::strip)
                    .map(hostPort -> {
                        int colon = hostPort.lastIndexOf(':');
                        return colon < 0 ? new InetSocketAddress(hostPort, defaultPort)
                                : new InetSocketAddress(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
                    })
                    .toList();
        } catch (RuntimeException e) {
            throw new ConfigurationException(name + "=" + value + " is not host:port[,host:port...]");
        }
    }

    /**
     * Pass-through settings: {@code INKSTREAM_KAFKA_STREAMS_COMMIT_INTERVAL_MS=50} becomes
     * {@code commit.interval.ms=50} for the prefix {@code INKSTREAM_KAFKA_STREAMS_}.
     */
    public Properties passThrough(String prefix) {
        Properties properties = new Properties();
        variables.forEach((name, value) -> {
            if (name.startsWith(prefix) && name.length() > prefix.length()) {
                properties.put(name.substring(prefix.length()).toLowerCase(Locale.ROOT).replace('_', '.'), value);
            }
        });
        return properties;
    }

    /** The variable {@link #passThrough} reads as {@code property} under {@code prefix}: its names the other way round. */
    public static String passedThroughAs(String prefix, String property) {
        return prefix + property.toUpperCase(Locale.ROOT).replace('.', '_');
    }

    /** Fails on any {@code INKSTREAM_} variable that is neither known nor under a pass-through prefix. */
    public void rejectUnknown(Set<String> known, Set<String> passThroughPrefixes, Set<String> otherServicesPrefixes) {
        for (String name : variables.keySet()) {
            if (!name.startsWith(PREFIX) || known.contains(name)) {
                continue;
            }
            boolean passedOn = passThroughPrefixes.stream().anyMatch(name::startsWith);
            boolean someoneElses = otherServicesPrefixes.stream().anyMatch(name::startsWith);
            if (!passedOn && !someoneElses) {
                throw new ConfigurationException("unknown variable " + name + ": not one of " + new TreeSet<>(known));
            }
        }
    }
}
