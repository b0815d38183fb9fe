package io.jettymcp.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jettymcp.config.Token;
import io.jettymcp.sandbox.SandboxOptions;
import io.jettymcp.sandbox.SandboxSeeds;
import io.jettymcp.sandbox.SandboxServer;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.util.context.Context;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/** F8: answers share a memory budget; waiting for it is not Jetty's time, and every share is given back. */
class AnswerBudgetTest {

    @Test
    void aCallWaitsForTheBudgetBeyondTheJettyTimeoutAndThenSucceeds() throws Exception {
        try (SandboxServer sandbox = SandboxServer.start(SandboxOptions.defaults())) {
            // a body larger than the socket buffers: reading it stops while the call waits
            sandbox.faults().add(io.jettymcp.sandbox.FaultRule.status("GET", "/api/v1/tasks/demo/big", 200)
                    .withBody("{\"name\":\"big\",\"text\":\"" + "x".repeat(2 << 20) + "\"}"));
            AnswerBudget budget = new AnswerBudget(AnswerBudget.COST_FACTOR * (3L << 20));
            JettyApi api = JettyApi.create(sandbox.baseUrl(), new Token(SandboxSeeds.DEMO_TOKEN, "t"), Duration.ofSeconds(2),
                    Duration.ofSeconds(1), RetryPolicy.NONE, new ObjectMapper(), "t").withAnswerBudget(budget);
            AnswerBudget.Share holder = budget.share();
            holder.need(budget.capacity()).block();
            assertThat(budget.available()).isZero();

            AnswerBudget.Share call = budget.share();
            CompletableFuture<JsonNode> answer = api.json(ApiRequest.get("/api/v1/tasks/demo/big"))
                    .contextWrite(Context.of(AnswerBudget.Share.class, call)).toFuture();
            Mono.delay(Duration.ofMillis(2500)).block(); // longer than the 1 s timeout (and its 1 s grace)
            assertThat(answer).isNotDone();
            holder.close();

            assertThat(answer.get().path("text").asText()).hasSize(2 << 20);
            assertThat(budget.available()).isLessThan(budget.capacity()); // the call holds its share until it ends
            call.close();
            assertThat(budget.available()).isEqualTo(budget.capacity());
        }
    }

    @Test
    void aCallHoldingAShareNeverWaitsAgainAndHoldsOnlyItsLargestAnswer() {
        AnswerBudget budget = new AnswerBudget(1000);
        AnswerBudget.Share a = budget.share();
        a.need(600).block();
        AnswerBudget.Share b = budget.share();
        CompletableFuture<Void> bWaits = b.need(600).toFuture();
        assertThat(bWaits).isNotDone();
        a.need(900).block(Duration.ofSeconds(1)); // grows at once: waiting here could wait on b forever
        a.need(100).block(Duration.ofSeconds(1));
        assertThat(budget.available()).isEqualTo(100);
        a.close();
        assertThat(bWaits).isDone();
        assertThat(budget.available()).isEqualTo(400);
        b.close();
        assertThat(budget.available()).isEqualTo(1000);
    }
}
