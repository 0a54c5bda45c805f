package io.inkstream.cli.model;

import io.inkstream.classifier.ClassifierConfig;
import io.inkstream.image.artifact.ModelSigningKey;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/** How {@code train} and {@code publish-model} sign: the key named, else the local run's key, else not at all (and say so). */
public final class SigningOptions {
    @Option(names = "--sign-key", paramLabel = "KEY",
            description = "Sign with this private key (NAME.key from 'inkstream keys'). Default: the local run's key, "
                    + ".inkstream-data/keys/models.key, which 'inkstream up' makes and trusts.")
    Path signKey;

    @Option(names = "--unsigned", description = {"Do not sign. Classifiers refuse unsigned models unless "
            + ClassifierConfig.TRUSTED_KEYS + "=any."})
    boolean unsigned;

    @Option(names = "--data-dir", defaultValue = ".inkstream-data", paramLabel = "DIR",
            description = "The local run's data, where its key is looked for (default: ${DEFAULT-VALUE}, as for 'inkstream up').")
    Path dataDir = LocalModelKey.DEFAULT_DATA_DIR;

    /** The key to sign with, if any; a note on stderr when there is none. */
    Optional<ModelSigningKey> key() throws IOException {
        if (signKey != null) {
            return Optional.of(ModelSigningKey.read(signKey));
        }
        if (unsigned) {
            return Optional.empty();
        }
        Optional<ModelSigningKey> local = LocalModelKey.forSigning(dataDir);
        if (local.isEmpty()) {
            System.err.println("note: not signed (no --sign-key, and no " + LocalModelKey.privateKey(dataDir)
                    + "): classifiers refuse unsigned models unless " + ClassifierConfig.TRUSTED_KEYS + "=any. 'inkstream up' or"
                    + " 'inkstream keys' makes a key.");
        }
        return local;
    }

    /** Whether a key was named or refused on the command line, rather than chosen by default. */
    boolean explicit() {
        return signKey != null || unsigned;
    }
}
