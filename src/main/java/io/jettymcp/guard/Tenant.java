package io.jettymcp.guard;

import io.jettymcp.api.AnswerBudget;
import io.jettymcp.api.JettyApi;

/**
 * Who a call acts as: the Jetty client with its key (and its limits: the answer budget), that key's collection
 * scope, and the secrets its answers are redacted with (its own only: see {@link TenantSecrets}). A tenant is a per-request key, else
 * an MCP session, else the whole server.
 */
public record Tenant(JettyApi api, CollectionScope scope, TenantSecrets secrets) {

    /** Where an HTTP transport puts a request's own Jetty key in the MCP transport context (per-request keys). */
    public static final String KEY_IN_TRANSPORT_CONTEXT = "jetty.key";

    /** A tenant with a set of its own and no server secrets (tests, tools run outside a server). */
    public Tenant(JettyApi api, CollectionScope scope) {
        this(api, scope, new TenantSecrets());
    }

    /** The tenant's limit on answers held in memory at once: a call takes a share of it. */
    public AnswerBudget answerBudget() {
        return api.answerBudget();
    }
}
