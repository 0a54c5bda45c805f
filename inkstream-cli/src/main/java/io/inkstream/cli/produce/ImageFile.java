package io.inkstream.cli.produce;

import java.nio.file.Path;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A file to produce, and the true digit its name gives, if any. */
record ImageFile(Path path, OptionalInt label) {
    /** {@code 7.png}, {@code 7_0042.png}, {@code 7-scan.jpg}: a single digit, then anything that is not a digit. */
    private static final Pattern LEADING_DIGIT = Pattern.compile("^([0-9])(?![0-9]).*");

    /**
     * The label from the file's name, or from its directory when that is a single digit
     * ({@code training/7/00042.png}, the usual layout of MNIST as image files).
     */
    static ImageFile of(Path path) {
        Path parent = path.toAbsolutePath().getParent();
        if (parent != null && parent.getFileName() != null && parent.getFileName().toString().matches("[0-9]")) {
            return new ImageFile(path, OptionalInt.of(parent.getFileName().toString().charAt(0) - '0'));
        }
        Matcher name = LEADING_DIGIT.matcher(path.getFileName().toString());
        return new ImageFile(path, name.matches() ? OptionalInt.of(name.group(1).charAt(0) - '0') : OptionalInt.empty());
    }
}
