package io.inkstream.cli.model;

import io.inkstream.image.artifact.ModelSigningKey;
import io.inkstream.image.artifact.ModelTrust;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The model-signing key of a local run: {@code DATA/keys/models.key} and {@code .pub}. {@code inkstream up}
 * makes it on its first start and its services trust it besides the project's key; {@code train} and
 * {@code publish-model} sign with it unless told otherwise, and {@code reclassify} trusts it. So a model
 * an operator trains on this machine is accepted here with no step to remember, and a model from
 * anyone else is not.
 */
public final class LocalModelKey {
    /** Where {@code inkstream up} keeps its data unless told otherwise. */
    public static final Path DEFAULT_DATA_DIR = Path.of(".inkstream-data");
    static final String NAME = "models";

    private LocalModelKey() {
    }

    public static Path privateKey(Path dataDir) {
        return dataDir.resolve("keys").resolve(NAME + ".key");
    }

    public static Path publicKey(Path dataDir) {
        return dataDir.resolve("keys").resolve(NAME + ".pub");
    }

    /** Makes the pair if this data directory has none; returns the key's id when it made one. */
    public static Optional<String> ensure(Path dataDir) {
        if (Files.exists(privateKey(dataDir))) {
            return Optional.empty();
        }
        try {
            ModelSigningKey key = ModelSigningKey.generate();
            key.write(dataDir.resolve("keys"), NAME);
            return Optional.of(key.keyId());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the local model-signing key in " + dataDir.resolve("keys"), e);
        }
    }

    /** The key to sign with when none is named: the local one, if this data directory has it. */
    public static Optional<ModelSigningKey> forSigning(Path dataDir) throws IOException {
        return Files.exists(privateKey(dataDir)) ? Optional.of(ModelSigningKey.read(privateKey(dataDir))) : Optional.empty();
    }

    /**
     * The trusted keys for the services of a local run, as {@value ModelTrust#TRUSTED_KEYS_VARIABLE}
     * says them: what the operator configured, and the local public key if there is one; {@code any}
     * stays as it is.
     */
    public static String trustedKeys(String configured, Path dataDir) {
        String given = configured == null ? "" : configured.strip();
        if (given.equalsIgnoreCase(ModelTrust.ANY_SIGNER) || !Files.exists(publicKey(dataDir))) {
            return given;
        }
        String local = publicKey(dataDir).toAbsolutePath().toString();
        return given.isEmpty() ? local : given + "," + local;
    }

    /** The trust of a command run next to a local run ({@code reclassify}): configured keys, the project's and the local one. */
    public static ModelTrust trust(String configured, Path dataDir) {
        return ModelTrust.fromVariable(trustedKeys(configured, dataDir));
    }
}
