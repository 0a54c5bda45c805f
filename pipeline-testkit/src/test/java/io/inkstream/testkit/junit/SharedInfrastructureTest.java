package io.inkstream.testkit.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inkstream.infra.InfrastructureException;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SharedInfrastructureTest {
    private static final Optional<String> NO_ENGINE = Optional.of("Testcontainers found no Docker engine");

    @Test
    void aRunAskedForContainersFailsLoudlyWithoutAnEngineInsteadOfSkipping() {
        assertThatThrownBy(() -> SharedInfrastructure.decide(Infrastructure.CONTAINERS, false, () -> NO_ENGINE))
                .isInstanceOf(InfrastructureException.class)
                .hasMessageContaining("-Dinkstream.infra=containers")
                .hasMessageContaining("found no Docker engine");
    }

    @Test
    void aContainersVariantIsSkippedWithTheReasonWhereNoEngineRuns() {
        var result = SharedInfrastructure.decide(Infrastructure.CONTAINERS, true, () -> NO_ENGINE);
        assertThat(result.isDisabled()).isTrue();
        assertThat(result.getReason()).hasValueSatisfying(reason -> assertThat(reason).contains("found no Docker engine"));
    }

    @Test
    void runsWhereItsInfrastructureIsThere() {
        assertThat(SharedInfrastructure.decide(Infrastructure.CONTAINERS, false, Optional::empty).isDisabled()).isFalse();
        assertThat(SharedInfrastructure.decide(Infrastructure.EMBEDDED, false, () -> {
            throw new AssertionError("the embedded run never asks for Docker");
        }).isDisabled()).isFalse();
    }
}
