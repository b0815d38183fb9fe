package io.jettymcp.redact;

import java.util.Arrays;
import java.util.List;

/**
 * An Aho–Corasick automaton over a fixed set of patterns: one left-to-right pass finds every occurrence of
 * every pattern in time linear in the text (plus the matches). Immutable once built; a changed set means a
 * new automaton. Besides the matches it tells, at any position, the longest text suffix that begins some
 * pattern ({@link #depth}), which is what a cut needs: a pattern's head kept just before it.
 */
final class SecretAutomaton {

    static final SecretAutomaton EMPTY = new SecretAutomaton(List.of(), List.of());

    private final int[] fail;
    private final int[] depth;
    /** length of the longest pattern ending at this node (via failure links), 0 if none */
    private final int[] best;
    /** index of that pattern, -1 if none */
    private final int[] bestPattern;
    private final Edges edges;
    /** the root's ASCII transitions, read directly: most text steps start again from the root */
    private final int[] rootAscii = new int[128];
    private final List<String> masks;
    private final int longest;

    /** @param patterns non-empty strings; @param masks what each pattern is replaced with (same order) */
    SecretAutomaton(List<String> patterns, List<String> masks) {
        this.masks = List.copyOf(masks);
        int total = 1;
        int max = 0;
        for (String p : patterns) {
            total += p.length();
            max = Math.max(max, p.length());
        }
        this.longest = max;
        int[] dep = new int[total];
        int[] term = new int[total];
        int[] firstChild = new int[total];
        int[] nextSibling = new int[total];
        char[] label = new char[total];
        Arrays.fill(term, -1);
        Arrays.fill(firstChild, -1);
        Edges e = new Edges(total);
        int nodes = 1;
        for (int pi = 0; pi < patterns.size(); pi++) {
            String p = patterns.get(pi);
            int s = 0;
            for (int i = 0; i < p.length(); i++) {
                char c = p.charAt(i);
                int t = e.get(s, c);
                if (t < 0) {
                    t = nodes++;
                    e.put(s, c, t);
                    dep[t] = dep[s] + 1;
                    label[t] = c;
                    nextSibling[t] = firstChild[s];
                    firstChild[s] = t;
                }
                s = t;
            }
            if (term[s] < 0) {
                term[s] = pi;
            }
        }
        int[] f = new int[nodes];
        int[] b = new int[nodes];
        int[] bp = new int[nodes];
        bp[0] = -1;
        // breadth first: a node's failure link is shallower, so it is final before the node needs it
        int[] queue = new int[nodes];
        int head = 0;
        int tail = 0;
        queue[tail++] = 0;
        while (head < tail) {
            int u = queue[head++];
            for (int v = firstChild[u]; v >= 0; v = nextSibling[v]) {
                char c = label[v];
                int fv = 0;
                if (u != 0) {
                    int x = f[u];
                    while (x != 0 && e.get(x, c) < 0) {
                        x = f[x];
                    }
                    int y = e.get(x, c);
                    fv = y >= 0 ? y : 0;
                }
                f[v] = fv;
                if (term[v] >= 0) {
                    b[v] = dep[v];
                    bp[v] = term[v];
                } else {
                    b[v] = b[fv];
                    bp[v] = bp[fv];
                }
                queue[tail++] = v;
            }
        }
        this.fail = f;
        this.depth = Arrays.copyOf(dep, nodes);
        this.best = b;
        this.bestPattern = bp;
        this.edges = e;
        for (char c = 0; c < 128; c++) {
            rootAscii[c] = Math.max(0, e.get(0, c));
        }
    }

    int longest() {
        return longest;
    }

    boolean isEmpty() {
        return longest == 0;
    }

    /** The state after reading {@code c} in state {@code s} (the start state is 0). */
    int step(int s, char c) {
        while (true) {
            if (s == 0 && c < 128) {
                return rootAscii[c];
            }
            int t = edges.get(s, c);
            if (t >= 0) {
                return t;
            }
            if (s == 0) {
                return 0;
            }
            s = fail[s];
        }
    }

    /** Length of the longest text suffix that is a prefix of some pattern. */
    int depth(int s) {
        return depth[s];
    }

    /** Length of the longest pattern ending here, 0 if none. */
    int matchLength(int s) {
        return best[s];
    }

    String matchMask(int s) {
        return masks.get(bestPattern[s]);
    }

    /** Trie edges as one open-addressing table keyed by (node, char): compact for hundreds of thousands of nodes. */
    private static final class Edges {
        private final long[] keys;
        private final int[] values;
        private final int mask;

        Edges(int expected) {
            int cap = Integer.highestOneBit(Math.max(4, expected * 2 - 1)) << 1;
            keys = new long[cap];
            values = new int[cap];
            Arrays.fill(keys, -1L);
            mask = cap - 1;
        }

        private int slot(long key) {
            long h = key * 0x9E3779B97F4A7C15L;
            return (int) (h ^ (h >>> 32)) & mask;
        }

        int get(int node, char c) {
            long key = ((long) node << 16) | c;
            for (int i = slot(key); ; i = (i + 1) & mask) {
                long k = keys[i];
                if (k == key) {
                    return values[i];
                }
                if (k == -1L) {
                    return -1;
                }
            }
        }

        void put(int node, char c, int child) {
            long key = ((long) node << 16) | c;
            int i = slot(key);
            while (keys[i] != -1L) {
                i = (i + 1) & mask;
            }
            keys[i] = key;
            values[i] = child;
        }
    }
}
