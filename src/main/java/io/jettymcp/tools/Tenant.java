package io.jettymcp.tools;

import io.jettymcp.api.JettyApi;
import io.jettymcp.guard.CollectionScope;

/** Who a call acts as: the Jetty client with its key, and that key's collection scope. */
public record Tenant(JettyApi api, CollectionScope scope) {
}
