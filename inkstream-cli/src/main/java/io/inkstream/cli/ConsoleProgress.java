package io.inkstream.cli;

import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** The progress bar of long commands, on stderr: redrawn on a terminal, one line every 5 s in a log or CI. */
public final class ConsoleProgress {
    private ConsoleProgress() {
    }

    public static ProgressBar bar(String task, String unit) {
        boolean terminal = System.console() != null;
        return new ProgressBarBuilder()
                .setTaskName(task)
                .setStyle(terminal ? ProgressBarStyle.COLORFUL_UNICODE_BLOCK : ProgressBarStyle.ASCII)
                .setConsumer(terminal ? new ConsoleProgressBarConsumer(System.err) : new DelegatingProgressBarConsumer(System.err::println))
                .setUpdateIntervalMillis(terminal ? 250 : 5000)
                .setUnit(" " + unit, 1)
                .build();
    }
}
