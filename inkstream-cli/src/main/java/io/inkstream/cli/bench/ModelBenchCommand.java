package io.inkstream.cli.bench;

import io.inkstream.model.artifact.ModelArtifact;
import io.inkstream.model.artifact.ShippedModels;
import io.inkstream.model.bench.ModelBenchmark;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "model", mixinStandardHelpOptions = true,
        description = {"Inference one by one vs batched (1, 32, 256, 1024) and preprocessing per format, in images/s.",
                "Ends with: model-bench one-by-one=... batch256=... speedup256=...x ..."})
public final class ModelBenchCommand implements Callable<Integer> {
    @Option(names = {"-m", "--model"}, paramLabel = "FILE", description = "Model artifact. Default: the shipped model.")
    Path model;

    @Override
    public Integer call() throws Exception {
        ModelArtifact artifact = model == null ? ShippedModels.DEFAULT.load() : ModelArtifact.read(model);
        new ModelBenchmark(artifact, System.out).run();
        return 0;
    }
}
