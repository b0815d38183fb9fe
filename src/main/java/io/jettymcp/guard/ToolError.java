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

    /**
     * A request that may have had its effect although it failed (a 5xx, a network failure, an
     * unreadable 2xx): says so, and how to check before repeating, since a repeat acts twice.
     *
     * @param failure   what failed, as the API layer described it
     * @param maybe     e.g. "The run may or may not have started"
     * @param checkWith e.g. "check list-trajectories before running again"
     */
    public static ToolError outcomeUnknown(String failure, String maybe, String checkWith) {
        return new ToolError(failure + " " + maybe + ": " + checkWith + ". It was not retried.");
    }

    /** Bad argument: names the argument, says what is allowed. */
    public static ToolError argument(String name, String problem) {
        return new ToolError("Invalid argument '" + name + "': " + problem);
    }
}
