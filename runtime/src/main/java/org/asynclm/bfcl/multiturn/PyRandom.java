package org.asynclm.bfcl.multiturn;

import java.math.BigInteger;

/**
 * CPython's {@code random.Random(seed)} for an integer seed: MT19937 seeded by {@code init_by_array} with the seed's
 * 32-bit words, and {@code randint} by rejection sampling over {@code getrandbits}. BFCL's ground truth hard-codes
 * ids drawn this way (a booking id is {@code Random(141053).randint(1000000, 9999999)}), so the backends must draw
 * the same numbers in the same order.
 */
public final class PyRandom {
    private static final int N = 624;
    private static final int M = 397;
    private final int[] mt = new int[N];
    private int index = N + 1;

    public PyRandom(long seed) {
        initByArray(keyOf(seed));
    }

    /** The seed's absolute value as little-endian 32-bit words, as {@code random_seed} splits an int. */
    private static int[] keyOf(long seed) {
        BigInteger n = BigInteger.valueOf(seed).abs();
        int words = Math.max(1, (n.bitLength() + 31) / 32);
        int[] key = new int[words];
        for (int k = 0; k < words; k++) {
            key[k] = n.shiftRight(32 * k).intValue();
        }
        return key;
    }

    private void initGenrand(int s) {
        mt[0] = s;
        for (int i = 1; i < N; i++) {
            mt[i] = 1812433253 * (mt[i - 1] ^ (mt[i - 1] >>> 30)) + i;
        }
        index = N;
    }

    private void initByArray(int[] key) {
        initGenrand(19650218);
        int i = 1;
        int j = 0;
        for (int k = Math.max(N, key.length); k > 0; k--) {
            mt[i] = (mt[i] ^ ((mt[i - 1] ^ (mt[i - 1] >>> 30)) * 1664525)) + key[j] + j;
            i++;
            j++;
            if (i >= N) {
                mt[0] = mt[N - 1];
                i = 1;
            }
            if (j >= key.length) {
                j = 0;
            }
        }
        for (int k = N - 1; k > 0; k--) {
            mt[i] = (mt[i] ^ ((mt[i - 1] ^ (mt[i - 1] >>> 30)) * 1566083941)) - i;
            i++;
            if (i >= N) {
                mt[0] = mt[N - 1];
                i = 1;
            }
        }
        mt[0] = 0x80000000;
    }

    /** The next 32-bit output of MT19937, unsigned in a long. */
    long nextUint32() {
        if (index >= N) {
            twist();
        }
        int y = mt[index++];
        y ^= y >>> 11;
        y ^= (y << 7) & 0x9d2c5680;
        y ^= (y << 15) & 0xefc60000;
        y ^= y >>> 18;
        return y & 0xffffffffL;
    }

    private void twist() {
        for (int k = 0; k < N; k++) {
            int y = (mt[k] & 0x80000000) | (mt[(k + 1) % N] & 0x7fffffff);
            mt[k] = mt[(k + M) % N] ^ (y >>> 1) ^ ((y & 1) != 0 ? 0x9908b0df : 0);
        }
        index = 0;
    }

    /** {@code getrandbits(k)} for 0 < k <= 63: 32-bit words from the least significant, the last one shifted. */
    long getrandbits(int k) {
        if (k <= 0 || k > 63) {
            throw new IllegalArgumentException("getrandbits: k must be in 1..63, got " + k);
        }
        long r = 0;
        int shift = 0;
        for (int left = k; left > 0; left -= 32) {
            long word = nextUint32();
            if (left < 32) {
                word >>>= 32 - left;
            }
            r |= word << shift;
            shift += 32;
        }
        return r;
    }

    /** {@code randint(a, b)}: a + {@code _randbelow(b - a + 1)}. */
    public long randint(long a, long b) {
        long n = b - a + 1;
        if (n <= 0) {
            throw new IllegalArgumentException("empty range for randint(" + a + ", " + b + ")");
        }
        int bits = 64 - Long.numberOfLeadingZeros(n);
        long r = getrandbits(bits);
        while (r >= n) {
            r = getrandbits(bits);
        }
        return a + r;
    }

    /** {@code random()}: 53 bits from two outputs. */
    public double random() {
        long a = nextUint32() >>> 5;
        long b = nextUint32() >>> 6;
        return (a * 67108864.0 + b) * (1.0 / 9007199254740992.0);
    }
}
