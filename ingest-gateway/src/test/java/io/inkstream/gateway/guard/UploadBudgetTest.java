package io.inkstream.gateway.guard;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class UploadBudgetTest {
    @Test
    void refusesWhatDoesNotFitUntilRoomIsGivenBackOnce() {
        UploadBudget budget = new UploadBudget(1024 * 1024);
        Optional<UploadBudget.Reservation> big = budget.reserve(700 * 1024);
        assertThat(big).isPresent();
        assertThat(budget.reserve(400 * 1024)).as("700 KiB held, 400 KiB more do not fit in 1 MiB").isEmpty();

        big.get().close();
        big.get().close(); // a second close gives nothing back twice
        assertThat(budget.availableBytes()).isEqualTo(1024 * 1024);
        assertThat(budget.reserve(400 * 1024)).isPresent();
        assertThat(budget.availableBytes()).isEqualTo(624 * 1024);
    }

    @Test
    void countsEveryUploadAsAtLeastOneKibibyte() {
        UploadBudget budget = new UploadBudget(2048);
        assertThat(budget.reserve(0)).isPresent();
        assertThat(budget.reserve(1)).isPresent();
        assertThat(budget.reserve(1)).isEmpty();
    }
}
