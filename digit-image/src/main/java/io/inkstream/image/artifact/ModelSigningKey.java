package io.inkstream.image.artifact;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;

/**
 * An Ed25519 key that signs model artifacts (the JDK's own Ed25519: no dependency). Stored as two
 * PEM files: {@code NAME.key} (PKCS#8, readable by its owner only) and {@code NAME.pub} (X.509),
 * the one a classifier is told to trust.
 */
public record ModelSigningKey(PrivateKey privateKey, PublicKey publicKey) {
    public static final String ALGORITHM = "Ed25519";

    public static ModelSigningKey generate() {
        try {
            KeyPair pair = KeyPairGenerator.getInstance(ALGORITHM).generateKeyPair();
            return new ModelSigningKey(pair.getPrivate(), pair.getPublic());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 is part of every JDK since 15", e);
        }
    }

    /** Reads {@code NAME.key} and the {@code NAME.pub} beside it. */
    public static ModelSigningKey read(Path privateKeyFile) throws IOException {
        String name = privateKeyFile.getFileName().toString();
        if (!name.endsWith(".key")) {
            throw new IOException(privateKeyFile + ": a signing key file ends in .key (its public key is the .pub beside it)");
        }
        byte[] der = Pem.decode(Files.readString(privateKeyFile, StandardCharsets.US_ASCII), "PRIVATE KEY", privateKeyFile);
        try {
            PrivateKey privateKey = KeyFactory.getInstance(ALGORITHM).generatePrivate(new PKCS8EncodedKeySpec(der));
            PublicKey publicKey = ModelTrust.readPublicKey(privateKeyFile.resolveSibling(name.replaceFirst("\\.key$", ".pub")));
            return new ModelSigningKey(privateKey, publicKey);
        } catch (GeneralSecurityException e) {
            throw new IOException(privateKeyFile + " is not an Ed25519 private key: " + e.getMessage(), e);
        }
    }

    /** Writes {@code DIR/NAME.key} (owner-only where the file system allows) and {@code DIR/NAME.pub}; returns the .key. */
    public Path write(Path directory, String name) throws IOException {
        Files.createDirectories(directory);
        Path privateFile = directory.resolve(name + ".key");
        Path publicFile = directory.resolve(name + ".pub");
        if (Files.exists(privateFile) || Files.exists(publicFile)) {
            throw new IOException(privateFile + " or " + publicFile + " exists already: not overwritten");
        }
        Files.writeString(privateFile, Pem.encode("PRIVATE KEY", privateKey.getEncoded()), StandardCharsets.US_ASCII);
        try {
            Files.setPosixFilePermissions(privateFile, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException notPosix) {
            // Windows: the file keeps the directory's permissions.
        }
        Files.writeString(publicFile, Pem.encode("PUBLIC KEY", publicKey.getEncoded()), StandardCharsets.US_ASCII);
        return privateFile;
    }

    /** The key's name in signatures: the first 16 hex digits of the SHA-256 of its public key. */
    public String keyId() {
        return ModelTrust.keyId(publicKey);
    }

    byte[] sign(byte[] message) {
        try {
            Signature signer = Signature.getInstance(ALGORITHM);
            signer.initSign(privateKey);
            signer.update(message);
            return signer.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("signing with an Ed25519 key failed: " + e.getMessage(), e);
        }
    }

    /** PEM, the text form of keys every tool reads. */
    static final class Pem {
        private Pem() {
        }

        static String encode(String type, byte[] der) {
            return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                    + "\n-----END " + type + "-----\n";
        }

        static byte[] decode(String pem, String type, Object source) throws IOException {
            String begin = "-----BEGIN " + type + "-----";
            String end = "-----END " + type + "-----";
            int from = pem.indexOf(begin);
            int to = pem.indexOf(end);
            if (from < 0 || to < from) {
                throw new IOException(source + " is not a PEM " + type.toLowerCase(java.util.Locale.ROOT));
            }
            try {
                return Base64.getMimeDecoder().decode(pem.substring(from + begin.length(), to));
            } catch (IllegalArgumentException e) {
                throw new IOException(source + ": its PEM body is not base64", e);
            }
        }
    }
}
