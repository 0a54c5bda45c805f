package io.inkstream.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.inkstream.ops.config.Environment;
import io.inkstream.testkit.ChangedComponents;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SinkConfigTest {

    /** Each copy changes the setting its name says and keeps every other (they are passed on in one place, by name). */
    @Test
    void eachCopyChangesItsOwnSettingAndKeepsEveryOther() {
        SinkConfig base = SinkConfig.fromEnvironment(new Environment(Map.of()));
        Map<String, SinkConfig> copies = Map.of(
                "groupId", base.withGroupId("another"),
                "httpPort", base.withHttpPort(9),
                "commit", base.withCommit(SinkConfig.Commit.BEFORE_WRITE_UNSAFE));
        copies.forEach((changed, copy) -> assertThat(ChangedComponents.between(base, copy))
                .as("the settings that %s's copy changes", changed).containsExactly(changed));
    }
}
