package io.jettymcp.config;

/** A configuration problem that stops start-up; the message says what to change. */
public final class ConfigException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message, null, false, false);
    }
}
