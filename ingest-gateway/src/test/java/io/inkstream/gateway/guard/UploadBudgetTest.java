package io.inkstream.gateway.guard;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class UploadBudgetTest {
    @Test
    void refusesWhatDoesNotFitUntilRoomIsGivenBackOnce() {
        UploadBudget budget = new UploadBudget(1024 * 1024, 1024 * 1024); // one client may hold it all
        UploadBudget.Reservation big = (UploadBudget.Reservation) budget.reserve("a", 700 * 1024);
        assertThat(budget.reserve("b", 400 * 1024)).as("700 KiB held, 400 KiB more do not fit in 1 MiB").isEqualTo(UploadBudget.Refusal.BUDGET);

        big.close();
        big.close(); // a second close gives nothing back twice
        assertThat(budget.availableBytes()).isEqualTo(1024 * 1024);
        assertThat(budget.reserve("a", 400 * 1024)).isInstanceOf(UploadBudget.Reservation.class);
        assertThat(budget.availableBytes()).isEqualTo(624 * 1024);
    }

    /** Slow requests from one address could hold the whole budget: every other client was refused. */
    @Test
    void aClientHoldsAtMostItsShareAndOthersStillFindRoom() {
        UploadBudget budget = new UploadBudget(64 * 1024, 32 * 1024);
        UploadBudget.Reservation first = (UploadBudget.Reservation) budget.reserve("a", 32 * 1024);
        assertThat(budget.reserve("a", 1)).as("its share held").isEqualTo(UploadBudget.Refusal.CLIENT_SHARE);
        UploadBudget.Answer second = budget.reserve("b", 32 * 1024);
        assertThat(second).as("another client finds the other half").isInstanceOf(UploadBudget.Reservation.class);
        assertThat(budget.reserve("c", 1)).as("the budget spent").isEqualTo(UploadBudget.Refusal.BUDGET);
        first.close();
        assertThat(budget.reserve("a", 32 * 1024)).as("its share given back").isInstanceOf(UploadBudget.Reservation.class);
        ((UploadBudget.Reservation) second).close();
        // c's refusal kept nothing of the budget or of its share: all of its share is there.
        assertThat(budget.reserve("c", 32 * 1024)).isInstanceOf(UploadBudget.Reservation.class);
        assertThat(budget.availableBytes()).isZero();
    }

    @Test
    void countsEveryUploadAsAtLeastOneKibibyte() {
        UploadBudget budget = new UploadBudget(2048, 2048);
        assertThat(budget.reserve("a", 0)).isInstanceOf(UploadBudget.Reservation.class);
        assertThat(budget.reserve("a", 1)).isInstanceOf(UploadBudget.Reservation.class);
        assertThat(budget.reserve("a", 1)).isEqualTo(UploadBudget.Refusal.BUDGET);
    }
}
