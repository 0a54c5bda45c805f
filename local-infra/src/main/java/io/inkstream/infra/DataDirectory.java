package io.inkstream.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Where a local broker or node keeps its files: a given directory, kept, or a temporary one,
 * deleted on close.
 */
public final class DataDirectory implements AutoCloseable {
    private final Path path;
    private final boolean temporary;

    private DataDirectory(Path path, boolean temporary) {
        this.path = path;
        this.temporary = temporary;
    }

    /** Uses {@code given} (created if absent and checked writable) or a new temporary directory when null. */
    public static DataDirectory of(Path given, String prefix) {
        if (given == null) {
            try {
                return new DataDirectory(Files.createTempDirectory(prefix), true);
            } catch (IOException e) {
                throw new InfrastructureException("cannot create a temporary directory: " + e.getMessage(), e);
            }
        }
        Path dir = given.toAbsolutePath().normalize();
        try {
            Files.createDirectories(dir);
            Path probe = Files.createTempFile(dir, ".write-probe", "");
            Files.delete(probe);
        } catch (IOException | UnsupportedOperationException e) {
            throw new InfrastructureException("data directory " + dir + " is not writable: " + describe(e), e);
        }
        return new DataDirectory(dir, false);
    }

    private static String describe(Exception e) {
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage());
    }

    public Path path() {
        return path;
    }

    /** Whether {@link #close} deletes it. */
    public boolean temporary() {
        return temporary;
    }

    public Path resolve(String child) {
        Path dir = path.resolve(child);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new InfrastructureException("cannot create " + dir + ": " + describe(e), e);
        }
        return dir;
    }

    @Override
    public void close() {
        if (temporary) {
            deleteRecursively(path);
        }
    }

    static void deleteRecursively(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                    Files.deleteIfExists(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + root, e);
        }
    }
}
