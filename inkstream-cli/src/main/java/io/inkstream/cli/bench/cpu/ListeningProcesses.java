package io.inkstream.cli.bench.cpu;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which local process listens on a TCP port, from {@code /proc/net/tcp[6]} and the sockets in
 * {@code /proc/PID/fd} (Linux; root sees every process). How {@code bench pipeline --url} finds the
 * stack it measures without being told its process ids.
 */
public final class ListeningProcesses {
    private static final String LISTEN = "0A";

    private ListeningProcesses() {
    }

    /**
     * Every process listening on the port, on any address: the nodes of a local ring or cluster
     * share one port on their own loopback addresses (127.0.0.1, 127.0.0.2, ...).
     */
    public static Set<Long> pidsListeningOn(int port) {
        Set<String> sockets = new HashSet<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            try {
                sockets.addAll(listeningInodes(Files.readAllLines(Path.of(table)), port));
            } catch (IOException e) {
                // no IPv6 table, or not Linux
            }
        }
        Set<Long> pids = new TreeSet<>();
        if (sockets.isEmpty()) {
            return pids;
        }
        try (DirectoryStream<Path> processes = Files.newDirectoryStream(Path.of("/proc"), entry -> entry.getFileName().toString().matches("\\d+"))) {
            for (Path process : processes) {
                if (listensOnAny(process, sockets)) {
                    pids.add(Long.parseLong(process.getFileName().toString()));
                }
            }
        } catch (IOException e) {
            // no /proc to look into: nothing found
        }
        return pids;
    }

    private static boolean listensOnAny(Path process, Set<String> sockets) {
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(process.resolve("fd"))) {
            for (Path fd : fds) {
                String target = Files.readSymbolicLink(fd).toString();
                if (target.startsWith("socket:[") && sockets.contains(target.substring(8, target.length() - 1))) {
                    return true;
                }
            }
        } catch (IOException | RuntimeException e) {
            // a process that ended, or one this user may not look into
        }
        return false;
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
