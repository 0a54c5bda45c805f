package io.inkstream.cli.model;

import io.inkstream.classifier.ClassifierConfig;
import io.inkstream.image.artifact.ModelSigningKey;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "keys", mixinStandardHelpOptions = true,
        header = "Makes an Ed25519 key pair that signs models.",
        description = "Makes an Ed25519 key pair that signs models: NAME.key (private, readable by its owner only) and NAME.pub.%n"
                + "Sign with 'inkstream train --sign-key NAME.key' or 'inkstream publish-model --sign-key NAME.key ...'; "
                + "classifiers given " + ClassifierConfig.TRUSTED_KEYS + "=NAME.pub accept only models signed by it (or by the project).")
public final class KeysCommand implements Callable<Integer> {
    @Option(names = "--dir", defaultValue = ".inkstream-data/keys", paramLabel = "DIR", description = "Where to write the pair (default: ${DEFAULT-VALUE}).")
    Path dir;

    @Option(names = "--name", defaultValue = "models", description = "File name of the pair, without extension (default: ${DEFAULT-VALUE}).")
    String name;

    @Override
    public Integer call() throws Exception {
        ModelSigningKey key = ModelSigningKey.generate();
        Path privateKey = key.write(dir, name);
        Path publicKey = privateKey.resolveSibling(name + ".pub");
        System.out.printf("key %s%n  private: %s (keep it secret: whoever holds it can publish models your classifiers accept)%n"
                + "  public:  %s%n  sign:    inkstream train --sign-key %s%n  trust:   %s=%s%n", key.keyId(), privateKey, publicKey, privateKey,
                ClassifierConfig.TRUSTED_KEYS, publicKey.toAbsolutePath());
        return 0;
    }
}
