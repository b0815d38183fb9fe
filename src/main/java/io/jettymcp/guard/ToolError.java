package io.jettymcp.guard;

/**
 * A failure the model can act on: what went wrong and what to do. It becomes an {@code isError}
 * tool result (never a protocol error) so the model sees the message and the server keeps serving.
 */
public final class ToolError extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ToolError(String message) {
        super(message, null, false, false);
    }

    /** Bad argument: names the argument, says what is allowed. */
    public static ToolError argument(String name, String problem) {
        return new ToolError("Invalid argument '" + name + "': " + problem);
    }
}
