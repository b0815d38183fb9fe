package io.jettymcp.spec;

/** An invalid tool spec: start-up stops with this message, which names the file and the problem. */
public final class SpecException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public SpecException(String message) {
        super(message, null, false, false);
    }
}
