package io.inkstream.gateway.guard;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ClientSlotsTest {
    @Test
    void aClientHoldsItsShareAndAllClientsTogetherAtMostEverySlot() {
        ClientSlots slots = new ClientSlots(2, 3);
        ClientSlots.Slot first = (ClientSlots.Slot) slots.take("a");
        assertThat(slots.take("a")).isInstanceOf(ClientSlots.Slot.class);
        assertThat(slots.take("a")).as("its share held").isEqualTo(ClientSlots.Refusal.CLIENT_SHARE);
        assertThat(slots.available()).as("a refusal keeps nothing").isEqualTo(1);
        ClientSlots.Slot third = (ClientSlots.Slot) slots.take("b");
        assertThat(slots.take("c")).as("every slot held, by two clients").isEqualTo(ClientSlots.Refusal.ALL_TAKEN);

        first.close();
        first.close(); // a second close gives nothing back twice
        assertThat(slots.available()).isEqualTo(1);
        assertThat(slots.take("c")).isInstanceOf(ClientSlots.Slot.class);
        assertThat(slots.take("c")).isEqualTo(ClientSlots.Refusal.ALL_TAKEN);
        third.close();
        assertThat(slots.take("b")).as("b's share given back").isInstanceOf(ClientSlots.Slot.class);
    }
}
