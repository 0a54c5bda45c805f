package io.inkstream.image.artifact;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Whose model artifacts a service accepts. {@link #of(List)} accepts only artifacts whose
 * {@code signature.json} verifies under one of the given Ed25519 public keys; a missing, malformed,
 * unknown-key or wrong signature refuses the artifact with that reason. Services require a
 * signature by default: the project's key (which signs the shipped models) and the keys an operator
 * names. {@link #anySigner()} accepts signed and unsigned artifacts alike: for an operator's own
 * files, and for services only when configured so on purpose ({@value #ANY_SIGNER}).
 */
public final class ModelTrust {
    /** The classifier's trusted keys; the gateway reads it too, so that its model list accepts what the classifier does. */
    public static final String TRUSTED_KEYS_VARIABLE = "INKSTREAM_CLASSIFIER_TRUSTED_KEYS";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The value of {@link #TRUSTED_KEYS_VARIABLE} that turns signatures off: models are then accepted whoever made them. */
    public static final String ANY_SIGNER = "any";
    private static final String PROJECT_KEY = "/io/inkstream/image/artifact/inkstream-project.pub";
    /**
     * The project's key until 2026-12: it signed the shipped models of those versions, which may sit
     * on a deployment's models topic still. Its private half is lost, so nothing new is signed by it;
     * trusting it keeps those publications readable after an upgrade.
     */
    private static final String PREVIOUS_PROJECT_KEY = "/io/inkstream/image/artifact/inkstream-project-2026-11.pub";

    private final Map<String, PublicKey> keys;

    private ModelTrust(Map<String, PublicKey> keys) {
        this.keys = keys;
    }

    public static ModelTrust anySigner() {
        return new ModelTrust(Map.of());
    }

    public static ModelTrust of(List<PublicKey> trusted) {
        if (trusted.isEmpty()) {
            throw new IllegalArgumentException("a trusted set needs at least one key");
        }
        Map<String, PublicKey> byId = new LinkedHashMap<>();
        trusted.forEach(key -> byId.put(keyId(key), key));
        return new ModelTrust(Map.copyOf(byId));
    }

    /**
     * The trusted set named by a configuration value: the project's keys ({@link #projectKeys()}),
     * which sign the shipped models, plus comma-separated paths of PEM public keys ({@code .pub} files
     * written by {@code inkstream keys}); blank means the project's keys alone. {@value #ANY_SIGNER} means
     * {@link #anySigner()}: no signature required.
     */
    public static ModelTrust fromConfiguration(String value) throws IOException {
        if (value != null && value.strip().equalsIgnoreCase(ANY_SIGNER)) {
            return anySigner();
        }
        List<PublicKey> keys = new ArrayList<>(projectKeys());
        for (String path : value == null ? new String[0] : value.split(",")) {
            if (!path.isBlank()) {
                keys.add(readPublicKey(Path.of(path.strip())));
            }
        }
        return of(keys);
    }

    /** The key that signs the models shipped in this jar; its private half is kept by the project's maintainers, outside the repository. */
    public static PublicKey projectKey() {
        return bundledKey(PROJECT_KEY);
    }

    /** Every key the project has signed shipped models with: the current one first, then the one before it. */
    public static List<PublicKey> projectKeys() {
        return List.of(projectKey(), bundledKey(PREVIOUS_PROJECT_KEY));
    }

    private static PublicKey bundledKey(String resource) {
        try (java.io.InputStream in = ModelTrust.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is missing from the digit-image jar");
            }
            return publicKey(new String(in.readAllBytes(), StandardCharsets.US_ASCII), resource);
        } catch (IOException e) {
            throw new IllegalStateException("the project's key " + resource + " cannot be read: " + e.getMessage(), e);
        }
    }

    /**
     * The trusted set of a value of {@link #TRUSTED_KEYS_VARIABLE} (blank: the project's key alone);
     * a key file that cannot be read is refused with a message naming the variable and the file.
     */
    public static ModelTrust fromVariable(String value) {
        try {
            return fromConfiguration(value);
        } catch (IOException e) {
            throw new IllegalArgumentException(TRUSTED_KEYS_VARIABLE + ": " + e.getMessage(), e);
        }
    }

    public static PublicKey readPublicKey(Path file) throws IOException {
        return publicKey(Files.readString(file, StandardCharsets.US_ASCII), file);
    }

    private static PublicKey publicKey(String pem, Object file) throws IOException {
        byte[] der = ModelSigningKey.Pem.decode(pem, "PUBLIC KEY", file);
        try {
            return KeyFactory.getInstance(ModelSigningKey.ALGORITHM).generatePublic(new X509EncodedKeySpec(der));
        } catch (GeneralSecurityException e) {
            throw new IOException(file + " is not an Ed25519 public key: " + e.getMessage(), e);
        }
    }

    public static String keyId(PublicKey key) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getEncoded())).substring(0, 16);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /** Whether artifacts must be signed by one of the trusted keys. */
    public boolean requiresSignature() {
        return !keys.isEmpty();
    }

    /** For a start-up log line: the trusted key ids, or that any artifact is accepted. */
    public String describe() {
        return requiresSignature() ? "signed-by" + keyIds() : "unsigned-accepted";
    }

    /** The ids of the trusted keys, for logs and health. */
    public List<String> keyIds() {
        return List.copyOf(keys.keySet());
    }

    /**
     * Checks an artifact's signature of its metadata bytes; returns the signer's key id, or empty
     * when unsigned and no signature is required.
     */
    Optional<String> verify(String version, byte[] metadata, byte[] signatureEntry) throws ModelArtifactException {
        if (signatureEntry == null) {
            if (requiresSignature()) {
                throw new ModelArtifactException("model " + version + " is not signed; this service accepts models signed by " + keyIds());
            }
            return Optional.empty();
        }
        String algorithm;
        String keyId;
        byte[] signature;
        try {
            JsonNode json = JSON.readTree(signatureEntry);
            algorithm = json.path("algorithm").asText("");
            keyId = json.path("keyId").asText("");
            signature = Base64.getDecoder().decode(json.path("signature").asText(""));
        } catch (IOException | IllegalArgumentException e) {
            throw new ModelArtifactException("model " + version + ": " + ArtifactFormat.SIGNATURE_ENTRY + " is not a signature: " + e.getMessage(), e);
        }
        if (!ModelSigningKey.ALGORITHM.equals(algorithm)) {
            throw new ModelArtifactException("model " + version + " is signed with '" + algorithm + "'; only Ed25519 is accepted");
        }
        if (!requiresSignature()) {
            return Optional.of(keyId); // nobody named: the signature is not checked against anyone
        }
        PublicKey key = keys.get(keyId);
        if (key == null) {
            throw new ModelArtifactException("model " + version + " is signed by key " + keyId + ", which is not trusted here " + keyIds());
        }
        try {
            Signature verifier = Signature.getInstance(ModelSigningKey.ALGORITHM);
            verifier.initVerify(key);
            verifier.update(metadata);
            if (!verifier.verify(signature)) {
                throw new ModelArtifactException("model " + version + ": its signature by key " + keyId + " does not verify");
            }
        } catch (GeneralSecurityException e) {
            throw new ModelArtifactException("model " + version + ": its signature by key " + keyId + " does not verify: " + e.getMessage(), e);
        }
        return Optional.of(keyId);
    }
}
