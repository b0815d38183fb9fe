package io.jettymcp.guard;

import io.jettymcp.redact.Redactor;

import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The secrets one tenant's answers are redacted with: the server's own (its Jetty token, its HTTP token),
 * the environment values learned with the tenant's Jetty key and the tenant's own secret arguments. No
 * other tenant's value is ever in here, so no answer changes, and no echo tells a guess, because of what
 * another tenant registered.
 *
 * <p>Capped at {@link #MAX_VALUES} values of the tenant's own: a registration that would pass the cap is
 * refused whole, with a {@link ToolError}, and nothing registered earlier is ever dropped (a dropped value
 * would be shown again). The server's values do not count.
 */
public final class TenantSecrets {

    /** The most values one tenant may register or learn (the README quotes it). */
    public static final int MAX_VALUES = 10_000;

    private final Redactor redactor = new Redactor();
    private final Set<String> own = new HashSet<>();
    private final int cap;

    /** A set with no server values (tests, tools run outside a server). */
    public TenantSecrets() {
        this(MAX_VALUES, List.of());
    }

    TenantSecrets(int cap, Collection<String> serverValues) {
        this.cap = cap;
        serverValues.forEach(redactor::register);
    }

    /** The server's own secret: in every set, outside the cap. */
    void registerServer(String value) {
        redactor.register(value);
    }

    /** The tenant's own Jetty key (per-request keys), once Jetty accepted it: outside the cap, it is one value. */
    public void registerKey(String key) {
        redactor.register(key);
    }

    /** Registers one value (see {@link #registerAll}). */
    public void register(String value) {
        registerAll(value == null ? List.of() : List.of(value));
    }

    /**
     * Registers every value, or none: when they would take the tenant past {@link #MAX_VALUES}, refuses with a
     * {@link ToolError} that quotes none of them. Values shorter than {@link Redactor#MIN_SECRET_LENGTH} are
     * ignored, as the redactor ignores them.
     */
    public void registerAll(Collection<String> values) {
        Set<String> fresh = new LinkedHashSet<>();
        for (String v : values) {
            String s = v == null ? "" : v.strip();
            if (s.length() >= Redactor.MIN_SECRET_LENGTH) {
                fresh.add(s);
            }
        }
        synchronized (this) {
            fresh.removeAll(own);
            if (fresh.isEmpty()) {
                return;
            }
            if (own.size() + fresh.size() > cap) {
                throw new ToolError("Refused: this call would take the secret values this session or key has given "
                        + "or seen (secret arguments, environment values) past " + cap + ", the most one tenant may "
                        + "have hidden from its answers (" + own.size() + " so far). Nothing of this call was sent. "
                        + "Start a new session, or use fewer distinct secret values.");
            }
            own.addAll(fresh);
            fresh.forEach(redactor::register);
        }
    }

    /** How many values of the tenant's own are registered. */
    public synchronized int size() {
        return own.size();
    }

    public String redact(String text) {
        return redactor.redact(text);
    }

    /**
     * The redactor holding this set, for the places that shorten text ({@link Redactor#cut}) before the chain's
     * last pass. Register through this class, never through the redactor: the cap counts only what passes here.
     */
    public Redactor redactor() {
        return redactor;
    }
}
