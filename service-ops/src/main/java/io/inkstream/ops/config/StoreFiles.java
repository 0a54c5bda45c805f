package io.inkstream.ops.config;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.cert.X509Certificate;
import java.util.Collections;
import java.util.Optional;

/**
 * A key or trust store that an operator names in a variable (the gateway's certificate, the certificates Cassandra's TLS
 * trusts): read at start, at most {@value #MAX_BYTES} bytes, so that one that cannot serve stops the service with the
 * variable's name, and never with its password. A running service reads its stores again when their files change
 * ({@link StoreRenewal}: a renewed certificate, a cluster's new authority), by the same rules.
 */
public final class StoreFiles {
    /** A certificate chain and its key, or a few authorities' certificates, take a few KiB; anything near this is not a store. */
    static final long MAX_BYTES = 1024 * 1024;

    private StoreFiles() {
    }

    /** A store's file and its password, as the variables name them. */
    public record Named(Path path, String password) {
        /** Never the password: a config is logged and printed whole. */
        @Override
        public String toString() {
            return path.toString();
        }
    }

    /**
     * The store {@code variable} names, with the password in {@code passwordVariable}; empty where the variable is unset. A
     * password without a store is refused: it was meant for one.
     */
    public static Optional<Named> named(Environment env, String what, String variable, String passwordVariable) {
        String path = env.string(variable, "");
        String password = env.string(passwordVariable, "");
        if (path.isEmpty()) {
            if (!password.isEmpty()) {
                throw new ConfigurationException(passwordVariable + " is set without " + variable + ": name the " + what + " it opens");
            }
            return Optional.empty();
        }
        return Optional.of(new Named(Path.of(path), password));
    }

    /** The bytes of the store at {@code path}, at most {@value #MAX_BYTES}: at start, and at each look of a {@link StoreRenewal}. */
    public static byte[] bytes(String what, String variable, Path path) {
        try {
            long size = Files.size(path);
            if (size > MAX_BYTES) {
                throw new ConfigurationException(variable + " names " + path + ", of " + size + " bytes: not a " + what);
            }
            try (InputStream in = Files.newInputStream(path)) {
                byte[] bytes = in.readNBytes((int) MAX_BYTES + 1); // the file may have grown since
                if (bytes.length > MAX_BYTES) {
                    throw new ConfigurationException(variable + " names " + path + ", of more than " + MAX_BYTES + " bytes: not a " + what);
                }
                return bytes;
            }
        } catch (NoSuchFileException e) {
            throw new ConfigurationException(variable + " names " + path + ", which does not exist");
        } catch (IOException e) {
            throw new ConfigurationException(variable + " names " + path + ", which cannot be read: " + e.getMessage());
        }
    }

    /**
     * The store read from {@code path} ({@link #bytes}), PKCS #12 or JKS, opened with {@code password} (empty: a trust store
     * read without checking its integrity).
     *
     * @param what             what the store is, for the messages ("key store", "trust store")
     * @param variable         the variable that names it
     * @param passwordVariable the variable that holds its password
     */
    public static KeyStore load(String what, String variable, String passwordVariable, Path path, byte[] bytes, String password) {
        try {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType()); // PKCS #12, and JKS through its compatibility mode
            store.load(new ByteArrayInputStream(bytes), password.isEmpty() ? null : password.toCharArray());
            return store;
        } catch (IOException | GeneralSecurityException e) {
            throw new ConfigurationException(variable + " names " + path + ", which cannot be read as a " + what + " with "
                    + passwordVariable + ": " + e.getMessage());
        }
    }

    /**
     * The certificate of {@code store}'s first private key: what a server or a client shows. A store without one (a trust
     * store given as a key store) is refused with {@code variable}'s name.
     */
    public static X509Certificate keyCertificate(KeyStore store, String variable, Path path) {
        try {
            for (String alias : Collections.list(store.aliases())) {
                if (store.isKeyEntry(alias) && store.getCertificate(alias) instanceof X509Certificate certificate) {
                    return certificate;
                }
            }
        } catch (KeyStoreException e) {
            throw new ConfigurationException(variable + " names " + path + ", whose entries cannot be read: " + e.getMessage());
        }
        throw new ConfigurationException(variable + " names " + path + ", which holds no private key with its certificate");
    }
}
