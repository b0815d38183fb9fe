package io.jettymcp.sandbox;

/**
 * @param port        TCP port on 127.0.0.1; 0 picks a free one
 * @param seed        seeds ids (trajectory ids, upload ids) so runs are reproducible
 * @param stepSeconds virtual seconds each workflow step takes
 */
public record SandboxOptions(int port, long seed, double stepSeconds) {

    public SandboxOptions {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0..65535");
        }
        if (!(stepSeconds >= 0)) {
            throw new IllegalArgumentException("stepSeconds must be >= 0");
        }
    }

    public static SandboxOptions defaults() {
        return new SandboxOptions(0, 42L, 1.0);
    }

    public SandboxOptions withPort(int p) {
        return new SandboxOptions(p, seed, stepSeconds);
    }
}
