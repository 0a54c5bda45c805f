package io.inkstream.cli.model;

import io.inkstream.classifier.models.ModelPublisher;
import io.inkstream.classifier.models.RegisteredModel;
import io.inkstream.cli.kafka.KafkaOption;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "promote", mixinStandardHelpOptions = true,
        header = "Makes a published model the active one.",
        description = "Makes a published model the active one: its artifact is published again, so it is the latest publication, "
                + "which every classifier not pinned to a version (INKSTREAM_CLASSIFIER_MODEL) uses from its next batch. If it was the "
                + "shadow, shadowing stops. Images already classified keep their answers: 'inkstream reclassify' replays them.")
public final class PromoteCommand implements Callable<Integer> {
    @Mixin
    KafkaOption kafka;

    @Parameters(paramLabel = "VERSION", description = "The model version (published before, e.g. the shadow).")
    String version;

    @Mixin
    TrustOption trust;

    @Override
    public Integer call() {
        PublishedModel published = PublishedModel.find(kafka.clientProperties(), version, trust.trust());
        RegisteredModel model = published.model();
        boolean wasShadow = ModelPublisher.shadowNamed(kafka.clientProperties()).filter(model.version()::equals).isPresent();
        ModelPublisher.publish(kafka.clientProperties(), model);
        if (wasShadow) {
            // After the publication: no batch runs without either the shadow or the new active model classifying.
            ModelPublisher.nameShadow(kafka.clientProperties(), Optional.empty());
        }
        System.out.println("promoted " + model.version() + " on " + kafka.bootstrap() + (wasShadow ? " (no longer the shadow)" : "")
                + (published.active() ? ": it was the active model already, and stays it" : ": the active model from each classifier's next batch"));
        return 0;
    }
}
