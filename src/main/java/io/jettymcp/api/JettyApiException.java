package io.jettymcp.api;

/**
 * A failed Jetty call, already turned into words the model can act on. {@code status} is 0 for a
 * failure below HTTP (timeout, refused connection). The message is redacted before it leaves the
 * server, like every other text.
 */
public class JettyApiException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final transient ApiResponse response;

    public JettyApiException(int status, String message, ApiResponse response) {
        super(message, null, false, false);
        this.status = status;
        this.response = response;
    }

    public int status() {
        return status;
    }

    /** The answer Jetty gave, when there was one (e.g. a 500 that still carries jetty_metadata). */
    public ApiResponse response() {
        return response;
    }

    /** Whether the request may have reached Jetty and had an effect although it failed. */
    public boolean outcomeUnknown() {
        return status == 0 || status >= 500;
    }
}
