package io.jettymcp.e2e.support;

import io.jettymcp.sandbox.SandboxOptions;
import io.jettymcp.sandbox.SandboxSeeds;
import io.jettymcp.sandbox.SandboxServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/**
 * An e2e test class with its own in-process sandbox, started once for the class. Subclasses start
 * the servers they need with {@link #serverFor(String)}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class SandboxTest {

    protected SandboxServer sandbox;

    /** Sandbox options for this class; override for, e.g., faster virtual steps. */
    protected SandboxOptions sandboxOptions() {
        return SandboxOptions.defaults();
    }

    @BeforeAll
    void startSandbox() {
        sandbox = SandboxServer.start(sandboxOptions());
    }

    @AfterAll
    void stopSandbox() {
        sandbox.close();
    }

    /** A server builder pointed at this class's sandbox with the given token (null: none). */
    protected ServerProcess.Builder serverFor(String token) {
        return ServerProcess.builder().sandbox(sandbox.baseUrl(), token);
    }

    protected ServerProcess.Builder demoServer() {
        return serverFor(SandboxSeeds.DEMO_TOKEN);
    }

    /** Seeds state straight through the sandbox's REST API with the demo key (not through the MCP server). */
    protected void rest(String method, String path, String json) {
        try {
            java.net.http.HttpResponse<String> r = java.net.http.HttpClient.newHttpClient().send(
                    java.net.http.HttpRequest.newBuilder(java.net.URI.create(sandbox.baseUrl() + path))
                            .header("Authorization", "Bearer " + SandboxSeeds.DEMO_TOKEN).header("User-Agent", "test")
                            .header("Content-Type", "application/json")
                            .method(method, java.net.http.HttpRequest.BodyPublishers.ofString(json)).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() >= 300) {
                throw new IllegalStateException(method + " " + path + " -> " + r.statusCode() + ": " + r.body());
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
