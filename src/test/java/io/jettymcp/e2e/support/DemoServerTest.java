package io.jettymcp.e2e.support;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * An e2e test class with one sandbox and one server subprocess using the demo collection's key,
 * both started once for the class (JVM start-up is the expensive part).
 */
public abstract class DemoServerTest extends SandboxTest {

    protected ServerProcess server;

    /** The key the class's server uses (the demo collection's by default). */
    protected String token() {
        return io.jettymcp.sandbox.SandboxSeeds.DEMO_TOKEN;
    }

    /** Adjust the server's flags or environment for this class. */
    protected ServerProcess.Builder configure(ServerProcess.Builder builder) {
        return builder;
    }

    @BeforeAll
    void startServer() {
        server = configure(serverFor(token())).start();
    }

    @AfterAll
    void stopServer() {
        server.close();
    }
}
