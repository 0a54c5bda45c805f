package io.inkstream.gateway.upload;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class IdempotencyKeysTest {

    @Test
    void derivesTheSameImageIdsFromAKeyOnEveryInstance() {
        assertThat(IdempotencyKeys.imageId("order-17", 0)).isEqualTo(IdempotencyKeys.imageId("order-17", 0))
                .isNotEqualTo(IdempotencyKeys.imageId("order-17", 1))
                .isNotEqualTo(IdempotencyKeys.imageId("order-18", 0));
    }

    @Test
    void remembersAnswersForADayAndTheOldestGoFirstWhenFull() {
        Instant now = Instant.parse("2026-11-25T12:00:00Z");
        IdempotencyKeys keys = new IdempotencyKeys(2, Clock.fixed(now, ZoneOffset.UTC));
        keys.remember("a", "digest-a", List.of("id-a"));
        keys.remember("b", "digest-b", List.of("id-b"));
        assertThat(keys.answered("a")).hasValueSatisfying(answer -> assertThat(answer.imageIds()).containsExactly("id-a"));
        keys.remember("c", "digest-c", List.of("id-c"));
        assertThat(keys.answered("a")).isEmpty();
        assertThat(keys.answered("c")).isPresent();

    }

    @Test
    void forgetsAnAnswerAfterTheRetention() {
        Instant[] now = {Instant.parse("2026-11-25T12:00:00Z")};
        Clock clock = new Clock() {
            @Override
            public ZoneOffset getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now[0];
            }
        };
        IdempotencyKeys keys = new IdempotencyKeys(10, clock);
        keys.remember("k", "digest", List.of("id"));
        now[0] = now[0].plus(IdempotencyKeys.RETENTION).minusSeconds(1);
        assertThat(keys.answered("k")).isPresent();
        now[0] = now[0].plus(Duration.ofSeconds(2));
        assertThat(keys.answered("k")).isEmpty();
    }

    @Test
    void acceptsPrintableAsciiKeysOnly() {
        assertThat(IdempotencyKeys.isValid("9f1c-2b7e_retry.1")).isTrue();
        assertThat(IdempotencyKeys.isValid("has space")).isFalse();
        assertThat(IdempotencyKeys.isValid("")).isFalse();
        assertThat(IdempotencyKeys.isValid("k".repeat(256))).isFalse();
    }
}
