package io.inkstream.cli.model;

import io.inkstream.classifier.models.ModelPublisher;
import io.inkstream.classifier.models.RegisteredModel;
import io.inkstream.cli.kafka.KafkaOption;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "shadow", mixinStandardHelpOptions = true,
        header = "Names a published model as the shadow: classified beside the active model, never the answer.",
        description = "Names a published model as the shadow: every classifier also classifies each image with it, in the same "
                + "batch, and writes its answers to predictions.shadow, never as the answer. /api/models and the page show how "
                + "often it agrees with the active model and how it does on labels; 'inkstream promote VERSION' makes it active.")
public final class ShadowCommand implements Callable<Integer> {
    @Mixin
    KafkaOption kafka;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Target target;

    static final class Target {
        @Parameters(paramLabel = "VERSION", description = "The model version (published first).")
        String version;

        @Option(names = "--stop", description = "Stop shadowing: the classifiers drop the shadow model at their next batch.")
        boolean stop;
    }

    @Mixin
    TrustOption trust;

    @Override
    public Integer call() {
        if (target.stop) {
            ModelPublisher.nameShadow(kafka.clientProperties(), Optional.empty());
            System.out.println("shadowing stopped on " + kafka.bootstrap());
            return 0;
        }
        PublishedModel published = PublishedModel.find(kafka.clientProperties(), target.version, trust.trust());
        RegisteredModel model = published.model();
        ModelPublisher.nameShadow(kafka.clientProperties(), Optional.of(model.version()));
        if (published.active()) {
            // Named all the same: it runs as the shadow as soon as another model is active (publish or promote one).
            System.out.println("note: " + model.version() + " is the active model now; the classifiers run no shadow while the"
                    + " shadow is the active model (publish or promote another one first)");
        }
        System.out.println("shadow " + model.version() + " (" + model.metadata().architecture() + ") on " + kafka.bootstrap()
                + ": classified beside the active model from each classifier's next batch; see /api/models");
        return 0;
    }
}
