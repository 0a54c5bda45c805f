package io.inkstream.infra;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Ports handed out, so that none is handed out twice: in this JVM, and across this user's JVMs on this machine as empty
 * files named by the port in one directory. A file is created atomically or not at all, so of two JVMs that picked the
 * same port only one gets it. The test suites of two modules run at once (one per core), each choosing free ports for
 * brokers and nodes that bind them half a minute later; without the files, one JVM could be handed a port the other had
 * chosen and not bound yet. Another JVM's reservation older than {@link #HELD} is stale (its port has long been bound or
 * given up) and is taken over; the files stay, at most one a port and all empty, for later runs to reuse.
 */
final class PortReservations {
    /** Far longer than any start takes to bind what it chose. */
    static final Duration HELD = Duration.ofMinutes(10);

    private final Path directory;
    private final Set<Integer> here = ConcurrentHashMap.newKeySet();

    PortReservations(Path directory) {
        this.directory = directory;
    }

    /** The user's directory under the temporary one, shared by every JVM of that user. */
    static PortReservations forThisUser() {
        return new PortReservations(Path.of(System.getProperty("java.io.tmpdir"),
                "inkstream-ports-" + System.getProperty("user.name", "unknown").replaceAll("[^A-Za-z0-9_.-]", "_")));
    }

    /**
     * Whether {@code port} is now this JVM's: it never was before, and no other JVM reserved it in the last {@link #HELD}.
     * Where the directory cannot be written, only this JVM's own record counts.
     */
    boolean reserve(int port) {
        if (!here.add(port)) {
            return false;
        }
        Path file = directory.resolve(Integer.toString(port));
        try {
            Files.createDirectories(directory);
            Files.createFile(file);
            return true;
        } catch (FileAlreadyExistsException taken) {
            return takeOverIfStale(file);
        } catch (IOException | SecurityException unusable) {
            return true;
        }
    }

    private static boolean takeOverIfStale(Path file) {
        try {
            Instant now = Instant.now();
            if (Files.getLastModifiedTime(file).toInstant().isAfter(now.minus(HELD))) {
                return false;
            }
            Files.setLastModifiedTime(file, FileTime.from(now));
            return true;
        } catch (IOException gone) {
            return false; // removed or changed under us: the caller picks another port
        }
    }
}
