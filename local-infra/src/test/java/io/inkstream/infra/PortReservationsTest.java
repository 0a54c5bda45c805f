package io.inkstream.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PortReservationsTest {
    @TempDir
    Path directory;

    @Test
    void aPortIsHandedOutOnceInThisJvmAndNotToAnotherWhileHeld() {
        PortReservations here = new PortReservations(directory);
        PortReservations anotherJvm = new PortReservations(directory);

        assertThat(here.reserve(40001)).isTrue();
        assertThat(here.reserve(40001)).as("the same JVM again").isFalse();
        assertThat(anotherJvm.reserve(40001)).as("another JVM within %s", PortReservations.HELD).isFalse();
        assertThat(anotherJvm.reserve(40003)).as("another port").isTrue();
    }

    @Test
    void anotherJvmTakesOverAReservationHeldLongerThanAPortStaysUnbound() throws Exception {
        assertThat(new PortReservations(directory).reserve(40001)).isTrue();
        Files.setLastModifiedTime(directory.resolve("40001"),
                FileTime.from(Instant.now().minus(PortReservations.HELD).minus(Duration.ofMinutes(1))));

        assertThat(new PortReservations(directory).reserve(40001)).as("stale").isTrue();
        assertThat(new PortReservations(directory).reserve(40001)).as("fresh again once taken over").isFalse();
    }

    @Test
    void whereTheDirectoryCannotBeWrittenThisJvmsOwnRecordStillHolds() throws Exception {
        Path notADirectory = Files.writeString(directory.resolve("a-file"), "");
        PortReservations reservations = new PortReservations(notADirectory.resolve("ports"));

        assertThat(reservations.reserve(40001)).isTrue();
        assertThat(reservations.reserve(40001)).isFalse();
    }
}
