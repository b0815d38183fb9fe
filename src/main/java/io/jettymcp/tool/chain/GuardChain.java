package io.jettymcp.tool.chain;

import io.jettymcp.api.AnswerBudget;
import io.jettymcp.api.JettyApiException;
import io.jettymcp.guard.ArgumentValidator;
import io.jettymcp.guard.EnvSecrets;
import io.jettymcp.guard.Policy;
import io.jettymcp.guard.Sanitizer;
import io.jettymcp.guard.TenantSecrets;
import io.jettymcp.guard.ToolError;
import io.jettymcp.shape.Projection;
import io.jettymcp.shape.SizeCap;
import io.jettymcp.tool.BoundTool;
import io.jettymcp.tool.ToolContext;
import io.modelcontextprotocol.spec.McpSchema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

import java.util.List;
import java.util.Map;

/**
 * The path every tool call takes, with no way around it: the steps of {@link #steps}, in that order. Nothing is sent
 * to Jetty before {@link CheckPolicy} but whoami, which tells the key's collection. Any failure becomes an
 * {@code isError} result that says what to do, redacted like everything else: with the calling tenant's
 * {@link TenantSecrets}, or, when the call failed before its tenant was known, with the server's own secrets only.
 */
public final class GuardChain {

    private static final Logger log = LoggerFactory.getLogger(GuardChain.class);

    /**
     * The order the security issue established. Checked when a chain is built: a step dropped or moved fails
     * start-up by name. (The same names as {@link #steps}: that list builds the steps, this one is the rule.)
     */
    static final List<Class<? extends Step>> ORDER = List.of(Validate.class, RefuseLocalPaths.class, Precheck.class,
            RequireToken.class, ResolveCollections.class, CheckPolicy.class, RegisterCallerSecrets.class,
            LearnCollectionSecrets.class, Invoke.class, LearnAnswerCollections.class, Shape.class, CleanAndRedact.class);

    private final List<Step> steps;

    public GuardChain(ToolContext ctx, ArgumentValidator validator, Policy policy, EnvSecrets envSecrets) {
        this(steps(ctx, validator, policy, envSecrets));
    }

    /** A chain of exactly these steps, which must be the canonical ones in {@link #ORDER}. */
    public GuardChain(List<Step> steps) {
        this(steps, true);
    }

    private GuardChain(List<Step> steps, boolean checked) {
        if (checked) {
            checkOrder(steps);
        }
        this.steps = List.copyOf(steps);
    }

    /** The steps of every tool call, in order. */
    public static List<Step> steps(ToolContext ctx, ArgumentValidator validator, Policy policy, EnvSecrets envSecrets) {
        return List.of(
                new Validate(ctx.mapper(), validator),
                new RefuseLocalPaths(ctx.settings().localFilesAllowed()),
                new Precheck(),
                new RequireToken(),
                new ResolveCollections(ctx.settings().pinnedCollection()),
                new CheckPolicy(policy),
                new RegisterCallerSecrets(),
                new LearnCollectionSecrets(envSecrets),
                new Invoke(),
                new LearnAnswerCollections(envSecrets),
                new Shape(new Projection(ctx.mapper())),
                new CleanAndRedact(ctx.mapper(), new SizeCap(ctx.mapper()), ctx.settings().outputCapBytes()));
    }

    /** A chain that skips the order check: for tests that show what breaks when a step is dropped or moved. */
    static GuardChain unchecked(List<Step> steps) {
        return new GuardChain(steps, false);
    }

    static void checkOrder(List<Step> steps) {
        List<String> want = ORDER.stream().map(Class::getSimpleName).toList();
        List<String> got = steps.stream().map(Step::name).toList();
        for (int i = 0; i < Math.max(want.size(), got.size()); i++) {
            String w = i < want.size() ? want.get(i) : null;
            String g = i < got.size() ? got.get(i) : null;
            if (w != null && w.equals(g) && steps.get(i).getClass() == ORDER.get(i)) {
                continue;
            }
            String why = w == null ? "the guard chain has an unknown step " + g + " after " + want.get(want.size() - 1)
                    : !got.contains(w) ? "the guard chain lacks its " + w + " step (step " + (i + 1) + ")"
                    : "the guard chain's step " + (i + 1) + " must be " + w + ", not " + g;
            throw new IllegalArgumentException(why + "; the order is " + want + ".");
        }
    }

    /** The steps, in order. */
    public List<Step> steps() {
        return steps;
    }

    /** The output shaper, for tests that look at its work and thread. */
    public SizeCap shaper() {
        for (Step s : steps) {
            if (s instanceof CleanAndRedact c) {
                return c.cap();
            }
        }
        throw new IllegalStateException("no CleanAndRedact step");
    }

    /** Runs one call through every step; emits its result, an error result when a step failed. */
    public Mono<McpSchema.CallToolResult> call(BoundTool tool, CallContext context, Map<String, Object> arguments) {
        long t0 = System.nanoTime();
        String name = tool.spec().name();
        return Mono.defer(() -> {
                    Call call = new Call(tool, context, arguments);
                    Mono<Void> run = Mono.empty();
                    for (Step step : steps) {
                        // once the tenant is known, its answer budget share is in every later step's context
                        run = run.then(Mono.defer(() -> step.run(call))
                                .contextWrite(c -> call.share == null ? c : c.put(AnswerBudget.Share.class, call.share)));
                    }
                    return run.then(Mono.fromSupplier(call::result))
                            .onErrorResume(e -> Mono.just(failure(name, e, call.secrets())))
                            .doFinally(sig -> {
                                if (call.share != null) {
                                    call.share.close();
                                }
                            });
                })
                .takeUntilOther(context.cancelled())
                .doOnNext(r -> log.debug("tool {} {} in {} ms", name, Boolean.TRUE.equals(r.isError()) ? "failed" : "ok",
                        (System.nanoTime() - t0) / 1_000_000));
    }

    /** @param secrets the caller's set, or the server's own when the call failed before its tenant was known */
    private static McpSchema.CallToolResult failure(String tool, Throwable e, TenantSecrets secrets) {
        String message;
        if (e instanceof ToolError || e instanceof JettyApiException) {
            message = e.getMessage();
        } else {
            message = "Internal error in " + tool + " (" + e.getClass().getSimpleName() + (e.getMessage() == null
                    ? "" : ": " + e.getMessage()) + "). The server is still running; try again, and report it if it repeats.";
            log.warn("tool {} failed: {}", tool, secrets.redact(String.valueOf(e)));
        }
        String text = secrets.redact(Sanitizer.clean(message));
        return McpSchema.CallToolResult.builder().addTextContent(text).isError(true).build();
    }
}
