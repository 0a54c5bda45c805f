package io.inkstream.contract.role;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The model-roles topic's records: which model a role names. The topic is compacted and keyed by role; today the one role is
 * {@link #SHADOW}, the candidate the classifier runs beside the active model. The value is the version as UTF-8 text; an empty
 * value or a tombstone names no model (shadowing stopped). Whoever may write the topic can put any bytes there, so a value is
 * read bounded and checked: a version has at most {@link #MAX_VERSION_LENGTH} characters of {@code [A-Za-z0-9._-]}, as the
 * versions {@code train} names are.
 */
public final class ModelRoles {
    /** The key of the shadow role. */
    public static final String SHADOW = "shadow";
    public static final int MAX_VERSION_LENGTH = 128;
    private static final Pattern VERSION = Pattern.compile("[A-Za-z0-9._-]{1," + MAX_VERSION_LENGTH + "}");

    private ModelRoles() {
    }

    /** The value that names {@code version} for a role. */
    public static byte[] value(Optional<String> version) {
        return version.map(v -> checked(v).getBytes(StandardCharsets.US_ASCII)).orElse(new byte[0]);
    }

    /**
     * The version a record of the topic names; empty when it names none.
     *
     * @throws InvalidModelRoleException for a key that is no role this build knows, or a value that is no version
     */
    public static Optional<String> read(String key, byte[] value) throws InvalidModelRoleException {
        if (!SHADOW.equals(key)) {
            throw new InvalidModelRoleException("unknown role " + (key == null ? "(no key)" : "'" + abbreviate(key) + "'")
                    + "; this build knows '" + SHADOW + "'");
        }
        if (value == null || value.length == 0) {
            return Optional.empty();
        }
        Optional<String> version = version(value);
        if (version.isEmpty()) {
            throw new InvalidModelRoleException(value.length > MAX_VERSION_LENGTH
                    ? value.length + " bytes; a model version has at most " + MAX_VERSION_LENGTH
                    : "'" + abbreviate(new String(value, StandardCharsets.US_ASCII)) + "' is not a model version (letters, digits, '.', '_', '-')");
        }
        return version;
    }

    /**
     * The version {@code bytes} name, read bounded (never decoded past {@link #MAX_VERSION_LENGTH}): empty when they are
     * absent, too long, or not a version. Record values and headers that name a model are read through this one rule.
     */
    public static Optional<String> version(byte[] bytes) {
        if (bytes == null || bytes.length == 0 || bytes.length > MAX_VERSION_LENGTH) {
            return Optional.empty();
        }
        return Optional.of(new String(bytes, StandardCharsets.US_ASCII)).filter(ModelRoles::isVersion);
    }

    /** Whether {@code text} can be a model version: what a record may name. */
    public static boolean isVersion(String text) {
        return text != null && VERSION.matcher(text).matches();
    }

    /** {@code version} if it can name a model, else an {@link IllegalArgumentException} saying why. */
    public static String checked(String version) {
        if (!isVersion(version)) {
            throw new IllegalArgumentException("'" + version + "' is not a model version (1-" + MAX_VERSION_LENGTH
                    + " letters, digits, '.', '_', '-')");
        }
        return version;
    }

    private static String abbreviate(String text) {
        String printable = text.replaceAll("[^\\x20-\\x7e]", "?");
        return printable.length() > 40 ? printable.substring(0, 40) + "..." : printable;
    }
}
