package io.inkstream.testkit.containers;

import java.util.Optional;
import org.testcontainers.DockerClientFactory;

/** Whether Testcontainers can reach a Docker engine on this machine, and if not, why. */
public final class DockerEngine {
    private DockerEngine() {
    }

    public static boolean available() {
        return unavailable().isEmpty();
    }

    /** Empty when an engine answers; else what went wrong, to be shown to whoever asked for containers. */
    public static Optional<String> unavailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable() ? Optional.empty()
                    : Optional.of("Testcontainers found no Docker engine (DOCKER_HOST, /var/run/docker.sock)");
        } catch (RuntimeException | LinkageError e) {
            return Optional.of("Testcontainers cannot reach a Docker engine: " + e);
        }
    }
}
