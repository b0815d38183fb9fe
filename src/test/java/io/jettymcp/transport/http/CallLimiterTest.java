package io.jettymcp.transport.http;

import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class CallLimiterTest {

    @Test
    void everyMethodThatReachesJettyIsCappedAndNothingElse() {
        assertThat(List.of("tools/call", "resources/read", "completion/complete")).allMatch(CallLimiter::capped);
        assertThat(List.of("initialize", "ping", "tools/list", "resources/list", "prompts/get")).noneMatch(CallLimiter::capped);
    }

    @Test
    void atMostMaxRunAndTheRestWaitInOrder() {
        CallLimiter limiter = new CallLimiter(2);
        AtomicInteger running = new AtomicInteger();
        List<Sinks.One<String>> gates = new ArrayList<>();
        List<String> results = new ArrayList<>();
        List<Integer> started = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            int n = i;
            Sinks.One<String> gate = Sinks.one();
            gates.add(gate);
            limiter.limit(Mono.defer(() -> {
                running.incrementAndGet();
                started.add(n);
                return gate.asMono();
            }).doFinally(s -> running.decrementAndGet())).subscribe(results::add);
        }
        assertThat(started).containsExactly(0, 1);
        assertThat(limiter.waiting()).isEqualTo(3);
        gates.get(1).tryEmitValue("b");
        assertThat(started).containsExactly(0, 1, 2);
        gates.get(0).tryEmitValue("a");
        gates.get(2).tryEmitValue("c");
        assertThat(started).containsExactly(0, 1, 2, 3, 4);
        gates.get(3).tryEmitValue("d");
        gates.get(4).tryEmitValue("e");
        assertThat(results).containsExactly("b", "a", "c", "d", "e");
        assertThat(limiter.running()).isZero();
        assertThat(running).hasValue(0);
    }

    @Test
    void cancellingAWaitingOrRunningCallGivesItsTurnBack() {
        CallLimiter limiter = new CallLimiter(1);
        Sinks.One<String> first = Sinks.one();
        Disposable running = limiter.limit(first.asMono()).subscribe();
        AtomicInteger secondStarted = new AtomicInteger();
        Disposable waiting = limiter.limit(Mono.fromRunnable(secondStarted::incrementAndGet)).subscribe();
        assertThat(limiter.waiting()).isEqualTo(1);
        waiting.dispose();
        assertThat(limiter.waiting()).isZero();
        running.dispose(); // cancelled while running
        assertThat(limiter.running()).isZero();
        List<String> got = new ArrayList<>();
        limiter.limit(Mono.just("next")).subscribe(got::add);
        assertThat(got).containsExactly("next");
        assertThat(secondStarted).hasValue(0);
        assertThat(limiter.running()).isZero();
    }

    @Test
    void aTenantHoldsAtMostItsShareAndAnotherTenantGoesPastItsQueue() {
        CallLimiter limiter = new CallLimiter(4, 2);
        AtomicInteger aStarted = new AtomicInteger();
        List<Sinks.One<String>> gates = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Sinks.One<String> gate = Sinks.one();
            gates.add(gate);
            limiter.limit("a", Mono.defer(() -> {
                aStarted.incrementAndGet();
                return gate.asMono();
            })).subscribe();
        }
        assertThat(aStarted).hasValue(2); // a's share; its other two wait
        List<String> b = new ArrayList<>();
        limiter.limit("b", Mono.just("whoami")).subscribe(b::add);
        assertThat(b).containsExactly("whoami");
        gates.get(0).tryEmitValue("done");
        assertThat(aStarted).hasValue(3); // a's turn passes to a's next call
        assertThat(limiter.running()).isEqualTo(2);
    }

    @Test
    void aCallAwayGivesItsTurnBackAndWaitsForOneToGoOn() {
        CallLimiter limiter = new CallLimiter(1, 1);
        Sinks.One<String> pause = Sinks.one();
        List<String> got = new ArrayList<>();
        limiter.limit("a", io.jettymcp.guard.CallSlot.idle(pause.asMono()).map(v -> "a after " + v)).subscribe(got::add);
        assertThat(limiter.running()).isZero(); // away: its turn is free
        Sinks.One<String> other = Sinks.one();
        limiter.limit("b", other.asMono()).subscribe(got::add);
        assertThat(limiter.running()).isEqualTo(1);
        pause.tryEmitValue("poll");
        assertThat(got).isEmpty(); // back from the pause, a waits for b's turn
        assertThat(limiter.waiting()).isEqualTo(1);
        other.tryEmitValue("b");
        assertThat(got).containsExactly("b", "a after poll");
        assertThat(limiter.running()).isZero();
    }
}
