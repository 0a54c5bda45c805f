package io.inkstream.ops.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** When a store's file is handed over again, and how often a refusal is told. */
class StoreRenewalTest {
    private final List<String> taken = new ArrayList<>();
    private final List<String> refused = new ArrayList<>();

    @Test
    void changedBytesAreHandedOverOnceAndARefusalIsToldOncePerChange(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("store.p12"), "first");
        StoreRenewal renewal = new StoreRenewal("key store", "INKSTREAM_X_KEYSTORE", file, "first".getBytes(StandardCharsets.UTF_8));

        look(renewal);
        assertThat(taken).as("the bytes in use").isEmpty();

        Files.writeString(file, "second");
        look(renewal);
        look(renewal);
        assertThat(taken).as("a change, taken once").containsExactly("second");

        Files.writeString(file, "refuse me");
        look(renewal);
        look(renewal);
        assertThat(refused).as("bytes the service refuses, told once").containsExactly("not a store");

        Files.delete(file);
        look(renewal);
        look(renewal);
        assertThat(refused).as("a file gone, told once").hasSize(2).last().asString().contains("does not exist");

        Files.writeString(file, "refuse me");
        look(renewal);
        assertThat(refused).as("the same bad bytes after another refusal: a change, told again").hasSize(3);

        Files.writeString(file, "second");
        look(renewal);
        assertThat(taken).as("the bytes in use again: nothing to take").containsExactly("second");
        Files.write(file, new byte[(int) StoreFiles.MAX_BYTES + 1]);
        look(renewal);
        assertThat(refused).as("a file past the bound, never handed over").hasSize(4).last().asString().contains("not a key store");
        Files.writeString(file, "third");
        look(renewal);
        assertThat(taken).containsExactly("second", "third");
    }

    private void look(StoreRenewal renewal) {
        renewal.look(bytes -> {
            String read = new String(bytes, StandardCharsets.UTF_8);
            if (read.startsWith("refuse")) {
                throw new ConfigurationException("not a store");
            }
            taken.add(read);
        }, refused::add);
    }
}
