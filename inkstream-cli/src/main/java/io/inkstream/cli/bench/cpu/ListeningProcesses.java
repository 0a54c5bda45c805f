package io.inkstream.cli.bench.cpu;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Which local process listens on a TCP port, from {@code /proc/net/tcp[6]} and the sockets in
 * {@code /proc/PID/fd} (Linux; root sees every process). How {@code bench pipeline --url} finds the
 * stack it measures without being told its process ids.
 */
public final class ListeningProcesses {
    private static final String LISTEN = "0A";

    private ListeningProcesses() {
    }

    public static Optional<Long> pidListeningOn(int port) {
        Set<String> sockets = new HashSet<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            try {
                sockets.addAll(listeningInodes(Files.readAllLines(Path.of(table)), port));
            } catch (IOException e) {
                // no IPv6 table, or not Linux
            }
        }
        if (sockets.isEmpty()) {
            return Optional.empty();
        }
        try (DirectoryStream<Path> processes = Files.newDirectoryStream(Path.of("/proc"), entry -> entry.getFileName().toString().matches("\\d+"))) {
            for (Path process : processes) {
                try (DirectoryStream<Path> fds = Files.newDirectoryStream(process.resolve("fd"))) {
                    for (Path fd : fds) {
                        String target = Files.readSymbolicLink(fd).toString();
                        if (target.startsWith("socket:[") && sockets.contains(target.substring(8, target.length() - 1))) {
                            return Optional.of(Long.parseLong(process.getFileName().toString()));
                        }
                    }
                } catch (IOException | RuntimeException e) {
                    // a process that ended, or one this user may not look into
                }
            }
        } catch (IOException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    /** The socket inodes of the listening entries for a port in one {@code /proc/net/tcp} table. */
    static Set<String> listeningInodes(List<String> table, int port) {
        String hexPort = String.format(Locale.ROOT, ":%04X", port);
        Set<String> inodes = new HashSet<>();
        for (String line : table.subList(Math.min(1, table.size()), table.size())) {
            String[] fields = line.strip().split("\\s+");
            if (fields.length > 9 && fields[1].endsWith(hexPort) && LISTEN.equals(fields[3])) {
                inodes.add(fields[9]);
            }
        }
        return inodes;
    }
}
