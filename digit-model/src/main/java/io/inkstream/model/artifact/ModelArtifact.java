package io.inkstream.model.artifact;

import io.inkstream.image.artifact.Architecture;
import io.inkstream.image.artifact.ArtifactFormat;
import io.inkstream.image.artifact.ModelArtifactException;
import io.inkstream.image.artifact.ModelMetadata;
import io.inkstream.image.artifact.ModelSigningKey;
import io.inkstream.image.artifact.ModelTrust;
import io.inkstream.model.network.DigitClassifier;
import io.inkstream.model.network.NetworkConfigurations;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A trained model: its metadata and its DL4J network. The bytes on the {@code models} topic and in
 * operators' files are {@link ArtifactFormat}'s; reading one never runs Java deserialization or
 * DL4J's model loader: the network is built from the architecture's configuration in this code,
 * and only the checked weights come from the artifact.
 */
public record ModelArtifact(ModelMetadata metadata, MultiLayerNetwork network) {

    /** The version name of a network: its architecture and the first 12 hex digits of its weights' SHA-256. */
    public static String versionOf(Architecture architecture, MultiLayerNetwork network) {
        return ArtifactFormat.versionOf(architecture, parameters(network));
    }

    public DigitClassifier classifier() {
        return new DigitClassifier(network);
    }

    public String version() {
        return metadata.version();
    }

    /** The artifact, unsigned. */
    public byte[] toBytes() {
        return ArtifactFormat.write(metadata, parameters(network), Optional.empty());
    }

    /** The artifact, signed by {@code key}: its {@code signature.json} signs the exact bytes of {@code model.json}. */
    public byte[] toBytes(ModelSigningKey key) {
        return ArtifactFormat.write(metadata, parameters(network), Optional.of(key));
    }

    public void write(Path file) throws IOException {
        writeBytes(file, toBytes());
    }

    public void write(Path file, ModelSigningKey key) throws IOException {
        writeBytes(file, toBytes(key));
    }

    private static void writeBytes(Path file, byte[] bytes) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.write(file, bytes);
    }

    public static ModelArtifact read(Path file) throws ModelArtifactException {
        return read(bytes(file));
    }

    /** An artifact file's bytes, read no further than the largest artifact can be: {@code --model /dev/zero} is refused, not read into the heap. */
    public static byte[] bytes(Path file) throws ModelArtifactException {
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes(ArtifactFormat.MAX_ARTIFACT_BYTES + 1);
        } catch (NoSuchFileException e) {
            throw new ModelArtifactException("no model artifact at " + file, e);
        } catch (IOException e) {
            throw new ModelArtifactException("cannot read model artifact " + file + ": " + e.getMessage(), e);
        }
        if (bytes.length > ArtifactFormat.MAX_ARTIFACT_BYTES) {
            throw new ModelArtifactException(file + " holds more than " + ArtifactFormat.MAX_ARTIFACT_BYTES
                    + " bytes, more than any model artifact");
        }
        return bytes;
    }

    /** Reads an artifact whoever signed it, if anyone: for an operator's own files. Services use {@link #read(byte[], ModelTrust)}. */
    public static ModelArtifact read(byte[] artifact) throws ModelArtifactException {
        return read(artifact, ModelTrust.anySigner());
    }

    /** Reads an artifact that passes every check, signed as {@code trust} requires, and builds its network. */
    public static ModelArtifact read(byte[] artifact, ModelTrust trust) throws ModelArtifactException {
        ArtifactFormat.Checked checked = ArtifactFormat.read(artifact, trust);
        MultiLayerNetwork network = new MultiLayerNetwork(NetworkConfigurations.of(checked.architecture(), 0));
        network.init(Nd4j.create(checked.weights(), new long[] {1, checked.weights().length}, 'c'), false);
        return new ModelArtifact(checked.metadata(), network);
    }

    private static float[] parameters(MultiLayerNetwork network) {
        return network.params().dup().data().asFloat();
    }
}
