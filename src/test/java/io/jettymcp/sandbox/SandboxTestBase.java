package io.jettymcp.sandbox;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInstance;

/** One sandbox per test class, reset before every test. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class SandboxTestBase {

    static final String DEMO = SandboxSeeds.DEMO_TOKEN;
    static final String ACME = SandboxSeeds.ACME_TOKEN;
    static final String USER = SandboxSeeds.USER_TOKEN;
    static final String READER = SandboxSeeds.READ_ONLY_USER_TOKEN;

    SandboxServer sandbox;
    Http http;

    @BeforeAll
    void startSandbox() {
        sandbox = SandboxServer.start(SandboxOptions.defaults());
        http = new Http(sandbox);
    }

    @AfterAll
    void stopSandbox() {
        sandbox.close();
    }

    @BeforeEach
    void resetSandbox() {
        sandbox.reset();
    }
}
