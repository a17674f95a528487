package io.eventgate.delivery;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The ledger's keys: scoped by topic, short, and never two events under one key. */
class DeliveryLedgerKeyTest {

    @Test
    void aShortIdIsKeptAsItIsUnderItsTopic() {
        assertEquals("public.cps.za.test/3f6c1a7e-0000-4000-8000-000000000001",
                DeliveryLedger.key("public.cps.za.test", "3f6c1a7e-0000-4000-8000-000000000001"));
        assertNotEquals(DeliveryLedger.key("public.cps.za.test", "x"), DeliveryLedger.key("public.cps.za.runs", "x"));
    }

    @Test
    void aLongIdIsKeptAsItsDigestSoNoClientCanMakeAKeyLarge() {
        String key = DeliveryLedger.key("public.cps.za.test", "x".repeat(1_000_000));
        assertEquals("public.cps.za.test/sha256:".length() + 64, key.length());
        assertTrue(key.startsWith("public.cps.za.test/sha256:"));
        assertNotEquals(key, DeliveryLedger.key("public.cps.za.test", "x".repeat(1_000_001)));
    }

    @Test
    void anIdWithANulIsHashedSinceAPostgresTextColumnRefusesOne() {
        String key = DeliveryLedger.key("t", "a\u0000b");
        assertTrue(key.startsWith("t/sha256:") && key.indexOf('\u0000') < 0, key);
    }

    @Test
    void anIdThatLooksLikeADigestIsHashedTooSoItCannotStandForAnother() {
        String longId = "y".repeat(65);
        String digestKey = DeliveryLedger.key("t", longId);
        String lookalike = digestKey.substring("t/".length());
        assertNotEquals(digestKey, DeliveryLedger.key("t", lookalike));
        assertEquals(DeliveryLedger.key("t", "y".repeat(64)), "t/" + "y".repeat(64));
    }
}
