package io.inkstream.testkit.containers;

import org.testcontainers.DockerClientFactory;

/** Whether Testcontainers can reach a Docker engine on this machine. */
public final class DockerEngine {
    private DockerEngine() {
    }

    public static boolean available() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }
}
