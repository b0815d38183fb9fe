package io.jettymcp.guard;

import io.jettymcp.redact.Redactor;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Every redaction set of one server: the server's own secrets ({@link #server()}: the Jetty token, the HTTP
 * token), and one {@link TenantSecrets} per tenant, each holding the server's secrets too. Answers use their
 * tenant's set only; stderr, shared by all, uses them all ({@link #redactAll}).
 */
public final class Secrets {

    private final Redactor server;
    private final List<String> serverValues = new CopyOnWriteArrayList<>();
    // weak: a tenant that is gone (an expired key, a closed session) takes its set with it
    private final Set<TenantSecrets> live = Collections.newSetFromMap(new WeakHashMap<>());

    public Secrets() {
        this(new Redactor());
    }

    /** @param server redacts with the server's secrets only (start-up messages, places with no tenant) */
    public Secrets(Redactor server) {
        this.server = server;
    }

    public Redactor server() {
        return server;
    }

    /** A secret of the server itself: hidden from every tenant's answers and from stderr. */
    public void registerServer(String value) {
        server.register(value);
        serverValues.add(value);
        synchronized (live) {
            live.forEach(t -> t.registerServer(value));
        }
    }

    /** A new tenant's set, holding the server's secrets. */
    public TenantSecrets newTenant() {
        TenantSecrets t = new TenantSecrets(TenantSecrets.MAX_VALUES, serverValues);
        synchronized (live) {
            live.add(t);
        }
        return t;
    }

    /** Redacts with the union of every live set: for stderr, which every tenant's calls may write to. */
    public String redactAll(String text) {
        List<TenantSecrets> sets;
        synchronized (live) {
            sets = new ArrayList<>(live);
        }
        String out = server.redact(text);
        for (TenantSecrets t : sets) {
            out = t.redact(out);
        }
        return out;
    }
}
