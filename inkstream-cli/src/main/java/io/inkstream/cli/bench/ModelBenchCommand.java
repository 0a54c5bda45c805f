package io.inkstream.cli.bench;

import io.inkstream.cli.model.ModelOption;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "model", mixinStandardHelpOptions = true,
        description = "Inference one by one vs batched (1, 32, 256, 1024) and preprocessing per format, in images/s.%n"
                + "Ends with: model-bench one-by-one=... batch256=... speedup256=...x ...")
public final class ModelBenchCommand implements Callable<Integer> {
    @Mixin
    ModelOption model;

    @Override
    public Integer call() throws Exception {
        new ModelBenchmark(model.load(), System.out).run();
        return 0;
    }
}
