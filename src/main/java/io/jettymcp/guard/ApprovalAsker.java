package io.jettymcp.guard;

import reactor.core.publisher.Mono;

/**
 * Asks the person behind a call to approve it: MCP elicitation today, the 2026-07-28 era's
 * {@code input_required} prompts next. The server adapts its protocol to this; the policy only asks.
 */
public interface ApprovalAsker {

    /** A client that cannot ask the person (no elicitation, stateless HTTP, in-process calls). */
    ApprovalAsker NONE = new ApprovalAsker() {
        @Override
        public boolean canAsk() {
            return false;
        }

        @Override
        public Mono<Boolean> ask(String prompt) {
            return Mono.error(new IllegalStateException("this client cannot ask"));
        }
    };

    /** A client that can ask, by {@code ask} (prompt in, the person's yes or no out). */
    static ApprovalAsker by(java.util.function.Function<String, Mono<Boolean>> ask) {
        return new ApprovalAsker() {
            @Override
            public boolean canAsk() {
                return true;
            }

            @Override
            public Mono<Boolean> ask(String prompt) {
                return ask.apply(prompt);
            }
        };
    }

    boolean canAsk();

    /** Shows {@code prompt} (built by {@link ApprovalPrompt}); emits true when the person approved. */
    Mono<Boolean> ask(String prompt);
}
