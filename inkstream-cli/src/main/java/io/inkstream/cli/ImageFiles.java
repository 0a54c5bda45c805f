package io.inkstream.cli;

import io.inkstream.image.rejection.ImageRejectedException;
import io.inkstream.image.rejection.ImageRejection;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Image files named on a command line ({@code classify}, {@code produce}): directories walked, {@code -} for standard
 * input, and each read into at most one byte more than the image limit.
 */
public final class ImageFiles {
    /** {@code -}: the image on standard input, as {@code cat} and {@code curl --data-binary @-} read it. */
    public static final Path STANDARD_INPUT = Path.of("-");

    private ImageFiles() {
    }

    /**
     * Each directory replaced by the files under it (sorted, hidden ones left out); anything else kept as named, so that
     * a missing file or a pipe is read, and refused or not, in its place.
     */
    public static List<Path> expand(List<Path> named) throws IOException {
        List<Path> files = new ArrayList<>();
        for (Path path : named) {
            if (Files.isDirectory(path)) {
                try (Stream<Path> walk = Files.walk(path)) {
                    walk.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().startsWith(".")).sorted()
                            .forEach(files::add);
                }
            } else {
                files.add(path);
            }
        }
        return files;
    }

    /**
     * The file's bytes; one over {@code maxBytes} is refused as too large without reading the rest. A regular file's
     * size is checked first, for a message with its real size; a pipe, {@code /dev/stdin} or a process substitution
     * says its size is 0, so everything else is read, not sized.
     */
    public static byte[] read(Path file, int maxBytes) throws IOException, ImageRejectedException {
        if (file.equals(STANDARD_INPUT)) {
            return System.in.readNBytes(maxBytes + 1);
        }
        try {
            if (Files.isRegularFile(file) && Files.size(file) > maxBytes) {
                throw new ImageRejectedException(new ImageRejection.TooLarge(Files.size(file), maxBytes));
            }
            try (InputStream in = Files.newInputStream(file)) {
                return in.readNBytes(maxBytes + 1);
            }
        } catch (NoSuchFileException e) {
            throw new FileNotFoundException("no such file");
        } catch (AccessDeniedException e) {
            throw new FileNotFoundException("permission denied");
        }
    }
}
