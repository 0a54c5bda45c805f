package io.inkstream.model.artifact;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.inkstream.model.network.Architecture;
import io.inkstream.model.network.DigitClassifier;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;

/**
 * A trained model as one zip: {@code model.json} (metadata) and {@code network.zip} (the DL4J
 * network, without updater state: inference does not need it). This is the value of the
 * {@code models} topic and the file operators publish.
 *
 * <p>Reading validates everything before the model can classify anything: the zip, both entries,
 * the format version, the network's digest, and that its layers are the architecture's and take
 * 28 x 28 inputs. Entries are capped, so a hostile artifact cannot exhaust memory.
 */
public record ModelArtifact(ModelMetadata metadata, MultiLayerNetwork network) {
    public static final String METADATA_ENTRY = "model.json";
    public static final String NETWORK_ENTRY = "network.zip";
    static final int MAX_ENTRY_BYTES = 64 << 20;
    private static final ObjectMapper JSON = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /** The version name of a network: its architecture and the first 12 hex digits of its weights' SHA-256. */
    public static String versionOf(Architecture architecture, MultiLayerNetwork network) {
        float[] weights = network.params().dup().data().asFloat();
        ByteBuffer bytes = ByteBuffer.allocate(weights.length * Float.BYTES).order(ByteOrder.BIG_ENDIAN);
        bytes.asFloatBuffer().put(weights);
        return architecture.id() + "-" + sha256(bytes.array()).substring(0, 12);
    }

    public DigitClassifier classifier() {
        return new DigitClassifier(network);
    }

    public String version() {
        return metadata.version();
    }

    public byte[] toBytes() {
        try {
            ByteArrayOutputStream networkBytes = new ByteArrayOutputStream();
            ModelSerializer.writeModel(network, networkBytes, false);
            byte[] networkZip = networkBytes.toByteArray();
            ModelMetadata stamped = metadata.withNetworkSha256(sha256(networkZip));

            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (ZipOutputStream zip = new ZipOutputStream(out)) {
                zip.putNextEntry(new ZipEntry(METADATA_ENTRY));
                zip.write(JSON.writeValueAsBytes(stamped));
                zip.closeEntry();
                zip.putNextEntry(new ZipEntry(NETWORK_ENTRY));
                zip.write(networkZip);
                zip.closeEntry();
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("writing a model artifact to memory failed", e);
        }
    }

    public void write(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.write(file, toBytes());
    }

    public static ModelArtifact read(Path file) throws ModelArtifactException {
        try {
            return read(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new ModelArtifactException("cannot read model artifact " + file + ": " + e.getMessage(), e);
        }
    }

    public static ModelArtifact read(byte[] artifact) throws ModelArtifactException {
        Map<String, byte[]> entries = unzip(artifact);
        ModelMetadata metadata = checkedMetadata(entries);
        byte[] networkZip = entries.get(NETWORK_ENTRY);
        MultiLayerNetwork network;
        try {
            network = ModelSerializer.restoreMultiLayerNetwork(new ByteArrayInputStream(networkZip), false);
        } catch (IOException | RuntimeException e) {
            throw new ModelArtifactException("model " + metadata.version() + ": the network cannot be loaded: " + e.getMessage(), e);
        }
        checkLayers(metadata, network);
        return new ModelArtifact(metadata, network);
    }

    /**
     * The metadata of an artifact whose network matches its digest, without loading the network:
     * what a service that lists models but never runs them needs.
     */
    public static ModelMetadata readMetadata(byte[] artifact) throws ModelArtifactException {
        return checkedMetadata(unzip(artifact));
    }

    private static ModelMetadata checkedMetadata(Map<String, byte[]> entries) throws ModelArtifactException {
        byte[] json = entries.get(METADATA_ENTRY);
        byte[] networkZip = entries.get(NETWORK_ENTRY);
        if (json == null || networkZip == null) {
            throw new ModelArtifactException("not a model artifact: expected entries " + METADATA_ENTRY + " and "
                    + NETWORK_ENTRY + ", found " + entries.keySet());
        }
        ModelMetadata metadata = parseMetadata(json);
        if (!sha256(networkZip).equals(metadata.networkSha256())) {
            throw new ModelArtifactException("model " + metadata.version() + " is corrupt: " + NETWORK_ENTRY
                    + " does not match the digest in " + METADATA_ENTRY);
        }
        return metadata;
    }

    private static ModelMetadata parseMetadata(byte[] json) throws ModelArtifactException {
        ModelMetadata metadata;
        try {
            metadata = JSON.readValue(json, ModelMetadata.class);
        } catch (IOException e) {
            throw new ModelArtifactException(METADATA_ENTRY + " is not valid model metadata: " + e.getMessage(), e);
        }
        if (metadata.formatVersion() != ModelMetadata.FORMAT_VERSION) {
            throw new ModelArtifactException("model " + metadata.version() + " has artifact format " + metadata.formatVersion()
                    + "; this build reads format " + ModelMetadata.FORMAT_VERSION);
        }
        if (metadata.version() == null || metadata.version().isBlank() || metadata.architecture() == null
                || metadata.input() == null || metadata.networkSha256() == null) {
            throw new ModelArtifactException(METADATA_ENTRY + " lacks version, architecture, input or networkSha256");
        }
        if (!ModelMetadata.InputSpec.MNIST.equals(metadata.input())) {
            throw new ModelArtifactException("model " + metadata.version() + " expects input " + metadata.input()
                    + "; this pipeline feeds " + ModelMetadata.InputSpec.MNIST);
        }
        return metadata;
    }

    private static void checkLayers(ModelMetadata metadata, MultiLayerNetwork network) throws ModelArtifactException {
        Architecture architecture;
        try {
            architecture = Architecture.byId(metadata.architecture());
        } catch (IllegalArgumentException e) {
            throw new ModelArtifactException("model " + metadata.version() + ": " + e.getMessage(), e);
        }
        List<Integer> sizes = new ArrayList<>();
        for (int i = 0; i < network.getnLayers(); i++) {
            if (!(network.getLayerWiseConfigurations().getConf(i).getLayer() instanceof FeedForwardLayer layer)) {
                throw new ModelArtifactException("model " + metadata.version() + ": layer " + i + " is not a dense layer");
            }
            if (i == 0) {
                sizes.add((int) layer.getNIn());
            }
            sizes.add((int) layer.getNOut());
        }
        if (!sizes.equals(architecture.layerSizes())) {
            throw new ModelArtifactException("model " + metadata.version() + " claims architecture " + architecture.id()
                    + " " + architecture.layerSizes() + " but its network has layers " + sizes);
        }
    }

    private static Map<String, byte[]> unzip(byte[] artifact) throws ModelArtifactException {
        Map<String, byte[]> entries = new HashMap<>();
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(artifact))) {
            ZipEntry entry;
            while ((entry = zip.getNextEntry()) != null) {
                if (entry.isDirectory()) {
                    continue;
                }
                byte[] content = readCapped(zip, entry.getName());
                entries.put(entry.getName(), content);
            }
        } catch (IOException e) {
            throw new ModelArtifactException("not a readable model artifact (zip): " + e.getMessage(), e);
        }
        if (entries.isEmpty()) {
            throw new ModelArtifactException("not a model artifact: " + artifact.length + " bytes that hold no zip entry");
        }
        return entries;
    }

    private static byte[] readCapped(InputStream in, String name) throws IOException, ModelArtifactException {
        byte[] content = in.readNBytes(MAX_ENTRY_BYTES + 1);
        if (content.length > MAX_ENTRY_BYTES) {
            throw new ModelArtifactException("model artifact entry " + name + " is larger than " + MAX_ENTRY_BYTES + " bytes");
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
