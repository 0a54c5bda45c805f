package io.inkstream.image.artifact;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * The model artifact format, read, checked and written without DL4J. A trained model is one zip:
 * {@code model.json} (metadata) and {@code weights.bin} (every weight and bias as a little-endian
 * 32-bit float, in DL4J's parameter order: per layer, the weight matrix in column-major order, then
 * the biases). This is the value of the {@code models} topic and the file operators publish.
 *
 * <p>An artifact is untrusted data: anyone who can write to the topic can send one. Reading it
 * never runs Java deserialization or DL4J's model loader: {@code digit-model} builds the network
 * from the architecture's configuration in its own code, and only these checked numbers come from
 * the artifact. Before
 * anything is allocated, the zip may hold these two entries and nothing else, once each, each
 * inflated no further than its own cap (64 KiB of metadata; the weights of the largest
 * architecture); the weights must then be exactly as many as the claimed architecture has, all
 * finite, match the digest in the metadata, and be what the version names. An optional third
 * entry, {@code signature.json}, signs the metadata's exact bytes with Ed25519; a service that
 * names trusted keys ({@link ModelTrust}) accepts only artifacts one of them signed. A refusal says
 * which rule failed.
 */
public final class ArtifactFormat {
    public static final String METADATA_ENTRY = "model.json";
    public static final String WEIGHTS_ENTRY = "weights.bin";
    /** Optional: an Ed25519 signature of the exact bytes of {@code model.json} (which carries the weights' digest). */
    public static final String SIGNATURE_ENTRY = "signature.json";
    /** The entry format 1 used for its DL4J-serialized network. */
    static final String LEGACY_NETWORK_ENTRY = "network.zip";
    public static final int MAX_METADATA_BYTES = 64 * 1024;
    static final int MAX_SIGNATURE_BYTES = 4 * 1024;
    public static final int MAX_WEIGHTS_BYTES = Float.BYTES * Architecture.maxParameterCount();
    /** Every entry at its cap, stored uncompressed, and room for the zip's own headers: no artifact this reads is larger. */
    public static final int MAX_ARTIFACT_BYTES = MAX_METADATA_BYTES + MAX_WEIGHTS_BYTES + MAX_SIGNATURE_BYTES + 64 * 1024;
    /** Characters of an unknown entry's name that its refusal shows: the name is the artifact's author's text. */
    private static final int NAME_SHOWN = 80;
    private static final ObjectMapper JSON = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private ArtifactFormat() {
    }

    /** The version name of a network's weights: its architecture and the first 12 hex digits of the weights' SHA-256. */
    public static String versionOf(Architecture architecture, float[] weights) {
        ByteBuffer bytes = ByteBuffer.allocate(weights.length * Float.BYTES).order(ByteOrder.BIG_ENDIAN);
        bytes.asFloatBuffer().put(weights);
        return architecture.id() + "-" + sha256(bytes.array()).substring(0, 12);
    }

    /** An artifact of these weights (in DL4J's parameter order), its metadata stamped with their digest; signed when a key is given. */
    public static byte[] write(ModelMetadata metadata, float[] parameters, Optional<ModelSigningKey> key) {
        ByteBuffer weights = ByteBuffer.allocate(parameters.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        weights.asFloatBuffer().put(parameters);
        ModelMetadata stamped = metadata.withWeightsSha256(sha256(weights.array()));
        try {
            return zip(JSON.writeValueAsBytes(stamped), weights.array(), key);
        } catch (IOException e) {
            throw new UncheckedIOException("writing a model artifact to memory failed", e);
        }
    }

    /**
     * An existing artifact, checked, signed by {@code key} (any signature it had is replaced); its
     * metadata and weights are kept byte for byte.
     */
    public static byte[] sign(byte[] artifact, ModelSigningKey key) throws ModelArtifactException {
        Map<String, byte[]> entries = unzip(artifact);
        check(entries, ModelTrust.anySigner());
        return zip(entries.get(METADATA_ENTRY), entries.get(WEIGHTS_ENTRY), Optional.of(key));
    }

    /** Whether an artifact that passes every check carries a signature (whose, and whether it verifies, is for a {@link ModelTrust}). */
    public static boolean isSigned(byte[] artifact) throws ModelArtifactException {
        Map<String, byte[]> entries = unzip(artifact);
        check(entries, ModelTrust.anySigner());
        return entries.containsKey(SIGNATURE_ENTRY);
    }

    /**
     * The metadata of an artifact that passes every check, without building the network: what a
     * service that lists models but never runs them needs.
     */
    public static ModelMetadata readMetadata(byte[] artifact, ModelTrust trust) throws ModelArtifactException {
        return read(artifact, trust).metadata();
    }

    /** An artifact that passes every check, signed as {@code trust} requires: its metadata, architecture and weights. */
    public static Checked read(byte[] artifact, ModelTrust trust) throws ModelArtifactException {
        return check(unzip(artifact), trust);
    }

    private static byte[] zip(byte[] metadataJson, byte[] weights, Optional<ModelSigningKey> key) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (ZipOutputStream zip = new ZipOutputStream(out)) {
                zip.putNextEntry(new ZipEntry(METADATA_ENTRY));
                zip.write(metadataJson);
                zip.closeEntry();
                zip.putNextEntry(new ZipEntry(WEIGHTS_ENTRY));
                zip.write(weights);
                zip.closeEntry();
                if (key.isPresent()) {
                    Map<String, String> signature = new LinkedHashMap<>();
                    signature.put("algorithm", ModelSigningKey.ALGORITHM);
                    signature.put("keyId", key.get().keyId());
                    signature.put("signature", Base64.getEncoder().encodeToString(key.get().sign(metadataJson)));
                    zip.putNextEntry(new ZipEntry(SIGNATURE_ENTRY));
                    zip.write(JSON.writeValueAsBytes(signature));
                    zip.closeEntry();
                }
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("writing a model artifact to memory failed", e);
        }
    }

    /** What a checked artifact holds: its weights in DL4J's parameter order, as many as its architecture has. */
    public record Checked(ModelMetadata metadata, Architecture architecture, float[] weights) {
    }

    private static Checked check(Map<String, byte[]> entries, ModelTrust trust) throws ModelArtifactException {
        byte[] json = entries.get(METADATA_ENTRY);
        byte[] weightBytes = entries.get(WEIGHTS_ENTRY);
        if (json == null || weightBytes == null) {
            throw new ModelArtifactException("not a model artifact: expected entries " + METADATA_ENTRY + " and "
                    + WEIGHTS_ENTRY + ", found " + entries.keySet());
        }
        ModelMetadata metadata = parseMetadata(json);
        if (!sha256(weightBytes).equals(metadata.weightsSha256())) {
            throw new ModelArtifactException("model " + metadata.version() + " is corrupt: " + WEIGHTS_ENTRY
                    + " does not match the digest in " + METADATA_ENTRY);
        }
        Architecture architecture;
        try {
            architecture = Architecture.byId(metadata.architecture());
        } catch (IllegalArgumentException e) {
            throw new ModelArtifactException("model " + metadata.version() + ": " + e.getMessage(), e);
        }
        long expected = (long) Float.BYTES * architecture.parameterCount();
        if (weightBytes.length != expected) {
            throw new ModelArtifactException("model " + metadata.version() + " claims architecture " + architecture.id() + " "
                    + architecture.layerSizes() + ", " + architecture.parameterCount() + " weights (" + expected + " bytes), but "
                    + WEIGHTS_ENTRY + " holds " + weightBytes.length + " bytes");
        }
        float[] weights = new float[architecture.parameterCount()];
        ByteBuffer.wrap(weightBytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(weights);
        for (int i = 0; i < weights.length; i++) {
            if (!Float.isFinite(weights[i])) {
                throw new ModelArtifactException("model " + metadata.version() + ": weight " + i + " is " + weights[i]
                        + "; every weight must be a finite number");
            }
        }
        String named = versionOf(architecture, weights);
        if (!named.equals(metadata.version())) {
            throw new ModelArtifactException("model " + metadata.version() + ": its weights are version " + named
                    + ", and a version must name its weights");
        }
        trust.verify(metadata.version(), json, entries.get(SIGNATURE_ENTRY));
        return new Checked(metadata, architecture, weights);
    }

    private static ModelMetadata parseMetadata(byte[] json) throws ModelArtifactException {
        ModelMetadata metadata;
        try {
            metadata = JSON.readValue(json, ModelMetadata.class);
        } catch (IOException e) {
            throw new ModelArtifactException(METADATA_ENTRY + " is not valid model metadata: " + e.getMessage(), e);
        }
        if (metadata == null) {
            throw new ModelArtifactException(METADATA_ENTRY + " is JSON null, not model metadata");
        }
        if (metadata.formatVersion() != ModelMetadata.FORMAT_VERSION) {
            throw new ModelArtifactException("model " + metadata.version() + " has artifact format " + metadata.formatVersion()
                    + "; this build reads format " + ModelMetadata.FORMAT_VERSION);
        }
        if (metadata.version() == null || metadata.version().isBlank() || metadata.architecture() == null
                || metadata.input() == null || metadata.weightsSha256() == null || metadata.createdAt() == null) {
            throw new ModelArtifactException(METADATA_ENTRY + " lacks version, architecture, input, createdAt or weightsSha256");
        }
        if (!ModelMetadata.InputSpec.MNIST.equals(metadata.input())) {
            throw new ModelArtifactException("model " + metadata.version() + " expects input " + metadata.input()
                    + "; this pipeline feeds " + ModelMetadata.InputSpec.MNIST);
        }
        return metadata;
    }

    /** The two entries, each read no further than its cap; any other entry, or one twice, refuses the artifact. */
    private static Map<String, byte[]> unzip(byte[] artifact) throws ModelArtifactException {
        Map<String, byte[]> entries = new HashMap<>();
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(artifact))) {
            ZipEntry entry;
            while ((entry = zip.getNextEntry()) != null) {
                String name = entry.getName();
                int cap = switch (name) {
                    case METADATA_ENTRY -> MAX_METADATA_BYTES;
                    case WEIGHTS_ENTRY -> MAX_WEIGHTS_BYTES;
                    case SIGNATURE_ENTRY -> MAX_SIGNATURE_BYTES;
                    case LEGACY_NETWORK_ENTRY -> throw new ModelArtifactException("an artifact of format 1 (" + LEGACY_NETWORK_ENTRY
                            + ", a DL4J-serialized network, whose loader runs Java deserialization) is no longer read: "
                            + "train the model again with this build, or publish one trained by it");
                    default -> throw new ModelArtifactException("model artifact entry '" + ShownText.of(name, NAME_SHOWN, "...")
                            + "' is refused: an artifact holds " + METADATA_ENTRY + ", " + WEIGHTS_ENTRY + " and " + SIGNATURE_ENTRY
                            + " only");
                };
                if (entries.containsKey(name)) {
                    throw new ModelArtifactException("model artifact entry " + name + " appears twice");
                }
                entries.put(name, readCapped(zip, name, cap));
            }
        } catch (IOException | IllegalArgumentException e) {
            // IllegalArgumentException: ZipInputStream's answer to a malformed entry name.
            throw new ModelArtifactException("not a readable model artifact (zip): " + e.getMessage(), e);
        }
        if (entries.isEmpty()) {
            throw new ModelArtifactException("not a model artifact: " + artifact.length + " bytes that hold no zip entry");
        }
        return entries;
    }

    private static byte[] readCapped(InputStream in, String name, int cap) throws IOException, ModelArtifactException {
        byte[] content = in.readNBytes(cap + 1);
        if (content.length > cap) {
            throw new ModelArtifactException("model artifact entry " + name + " inflates to more than " + cap + " bytes");
        }
        return content;
    }

    static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
