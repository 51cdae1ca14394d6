package org.asynclm.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class TrapHandlerTest {
    // Holding one cached token costs 2 ns per second of wait; a swap moves a token for 50 ns each way;
    // recomputing n tokens costs 0.05·n² + 20·n ns.
    private final TrapHandler handler = new TrapHandler(new CacheCosts(2, 50, 0.05, 20));

    @Test
    void shortWaitsKeepTheCache() {
        assertEquals(CacheAction.KEEP, handler.choose(4096, 1_000_000)); // 1 ms: keep costs 8.2 us
    }

    @Test
    void longWaitsOnLongContextsSwap() {
        // A minute on 4096 tokens: keep 491.5 us, swap 409.6 us, drop 920.8 us.
        assertEquals(CacheAction.SWAP, handler.choose(4096, 60_000_000_000L));
    }

    @Test
    void longWaitsOnShortContextsDropBecauseRecomputeIsCheap() {
        // 100 tokens: swap 10 us, drop 0.05·1e4 + 2000 ns = 2.5 us, keep for a minute 12 us
        assertEquals(CacheAction.DROP, handler.choose(100, 60_000_000_000L));
    }

    @Test
    void quadraticRecomputeMakesDropLoseOnLongContexts() {
        TrapHandler h = new TrapHandler(new CacheCosts(1000, 50, 0.01, 20));
        assertEquals(CacheAction.SWAP, h.choose(100_000, 10_000_000_000L));
        assertEquals(CacheAction.DROP, h.choose(500, 10_000_000_000L));
    }

    @Test
    void singleUserAlwaysKeeps() {
        TrapHandler h = new TrapHandler(CacheCosts.SINGLE_USER);
        assertEquals(CacheAction.KEEP, h.choose(1_000_000, Long.MAX_VALUE / 4));
    }

    @Test
    void resumeCostsFollowTheAction() {
        assertEquals(0, handler.resumeNanos(CacheAction.KEEP, 1000));
        assertEquals(50_000, handler.resumeNanos(CacheAction.SWAP, 1000));
        assertEquals(70_000, handler.resumeNanos(CacheAction.DROP, 1000));
    }
}
