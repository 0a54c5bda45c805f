package io.inkstream.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inkstream.ops.config.ConfigurationException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a file of API keys holds, and which keys a request may carry. */
class ApiKeysTest {
    private static final Path FILE = Path.of("/run/secrets/api-keys");

    @Test
    void takesEveryKeyOfTheFileAndNothingElse(@TempDir Path dir) throws Exception {
        ApiKeys keys = ApiKeys.read(Files.writeString(dir.resolve("api-keys"), "# rotated on 2026-12-07\r\n\n  old-key-0001  \nnew-key-0002\n\t\n"));
        assertThat(keys.accepts("old-key-0001")).isTrue();
        assertThat(keys.accepts("new-key-0002")).isTrue();
        assertThat(keys.size()).isEqualTo(2);
        for (String other : new String[] {"old-key-000", "old-key-00011", "OLD-KEY-0001", " old-key-0001", "# rotated on 2026-12-07", "",
                "old-key-0001\nnew-key-0002"}) {
            assertThat(keys.accepts(other)).as("'%s'", other).isFalse();
        }
        assertThat(keys.accepts(null)).isFalse();
        assertThat(ApiKeys.of("single").accepts("single")).isTrue();
        assertThat(ApiKeys.of("single").accepts("singl")).isFalse();
    }

    @Test
    void aFileThatCannotServeIsRefusedWithItsLineAndNeverWithAKey() {
        Map<String, String> refused = Map.of(
                "", "holds no key",
                "# only a comment\n\n", "holds no key",
                "good-key\nhunter2 with spaces\n", "line 2 is not a key",
                "good-key\nclé-accentuée\n", "line 2 is not a key",
                "k".repeat(ApiKeys.MAX_KEY_LENGTH + 1), "line 1 is not a key",
                manyKeys(ApiKeys.MAX_KEYS + 1), "at most 100");
        refused.forEach((text, reason) -> assertThatThrownBy(() -> ApiKeys.parse(FILE, text.getBytes(StandardCharsets.UTF_8)))
                .as("%.40s", text).isInstanceOf(ConfigurationException.class).hasMessageContaining(ApiKeys.FILE_VARIABLE)
                .hasMessageContaining(reason).hasMessageNotContaining("hunter2").hasMessageNotContaining("accentu"));
        assertThatThrownBy(() -> ApiKeys.parse(FILE, new byte[] {'k', 'e', 'y', (byte) 0xff})).hasMessageContaining("not UTF-8");
        assertThat(ApiKeys.parse(FILE, manyKeys(ApiKeys.MAX_KEYS).getBytes(StandardCharsets.UTF_8))).as("the control: at the bound")
                .hasSize(ApiKeys.MAX_KEYS);
    }

    @Test
    void isPrintedWithoutItsKeys(@TempDir Path dir) throws Exception {
        assertThat(ApiKeys.of("s3cret").toString()).isEqualTo("1 key");
        Path file = Files.writeString(dir.resolve("api-keys"), "s3cret-1\ns3cret-2\n");
        assertThat(ApiKeys.read(file).toString()).isEqualTo("2 keys from " + file).doesNotContain("s3cret");
    }

    private static String manyKeys(int count) {
        StringBuilder keys = new StringBuilder();
        for (int i = 0; i < count; i++) {
            keys.append("key-").append(i).append('\n');
        }
        return keys.toString();
    }
}
