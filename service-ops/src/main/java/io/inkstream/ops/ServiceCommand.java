package io.inkstream.ops;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;

/**
 * The command line of one service, the same in a container ({@code java -cp ... io.inkstream.sink.Main --bootstrap ...})
 * and on a machine ({@code inkstream run sink --bootstrap ...}): each option stands for one of the service's
 * {@code INKSTREAM_*} variables and wins over it; everything else is read from the environment as before. Runs until
 * SIGTERM or Ctrl-C, then stops cleanly.
 */
public abstract class ServiceCommand implements Callable<Integer> {

    /** The service's name, for its log lines. */
    protected abstract String name();

    /** The options given, as the variables they stand for: name to value, unset ones left out. */
    protected abstract Map<String, String> options();

    /** Starts the service configured from these variables. */
    protected abstract AutoCloseable start(Map<String, String> environment);

    /** The variables the service reads: {@code base} with every option given put over it. */
    public final Map<String, String> environment(Map<String, String> base) {
        Map<String, String> environment = new HashMap<>(base);
        environment.putAll(options());
        return environment;
    }

    @Override
    public final Integer call() throws InterruptedException {
        ServiceMain.run(name(), () -> start(environment(System.getenv())));
        return 0;
    }

    /** For a subclass's options(): collects the options that were given. */
    protected static final class Options {
        private final Map<String, String> given = new LinkedHashMap<>();

        public Options() {
        }

        public Options put(String variable, Object value) {
            if (value != null) {
                given.put(variable, value.toString());
            }
            return this;
        }

        public Map<String, String> toMap() {
            return Map.copyOf(given);
        }
    }

    /** A container's entry point: parses the arguments, runs the service, exits non-zero on a bad command line or start. */
    public static void main(ServiceCommand command, String[] args) {
        int status = new CommandLine(command).execute(args);
        if (status != 0) {
            System.exit(status);
        }
    }
}
