package io.jettymcp.guard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jettymcp.config.ConfigException;
import io.jettymcp.guard.Policy.Reach;
import io.jettymcp.spec.ToolSpec;
import reactor.core.publisher.Mono;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A policy file's rules: per tool (glob) and optionally per collection, {@code allow},
 * {@code approval_required} or {@code deny}. Of all matching rules deny beats approval beats allow;
 * with none, the file's default applies. Approval asks the person through MCP elicitation and
 * refuses clearly when the client cannot ask. A tool denied everywhere is not listed at all.
 *
 * <p>A call is judged on every collection it touches, named or implicit ({@link Reach}); one that may read
 * several is judged on each, and one whose collection cannot be told is refused when a collection rule
 * (deny or approval) applies to its tool. A deny or approval rule on run tools also governs the routine
 * tools that start or schedule runs, so "no runs in prod" stops create-routine in prod.
 *
 * <pre>{"default": "allow", "rules": [
 *   {"tools": ["delete-*", "set-env-vars"], "permission": "approval_required"},
 *   {"tools": ["run-*"], "collections": ["prod"], "permission": "deny", "reason": "no runs in prod"}]}</pre>
 */
public final class PolicyRules implements Policy {

    public enum Permission { ALLOW, APPROVAL_REQUIRED, DENY }

    /** Tools that start a run. */
    static final Set<String> RUN_TOOLS = Set.of("run-task", "run-runbook");
    /** Tools that start or schedule runs through a routine: a deny or approval rule on run tools governs them too. */
    static final Set<String> ROUTINE_RUN_TOOLS = Set.of("create-routine", "update-routine", "resume-routine", "run-routine-now");

    record Rule(List<Pattern> tools, Set<String> collections, Permission permission, String reason) {
        boolean matchesTool(String tool) {
            return tools.stream().anyMatch(p -> p.matcher(tool).matches());
        }

        /** Matches the tool, or restricts run tools and the tool starts or schedules runs ("no runs in prod"). */
        boolean governs(String tool) {
            return matchesTool(tool) || permission != Permission.ALLOW && ROUTINE_RUN_TOOLS.contains(tool)
                    && RUN_TOOLS.stream().anyMatch(this::matchesTool);
        }

        boolean matches(String tool, String collection) {
            return governs(tool) && (collections.isEmpty() || (collection != null && collections.contains(collection)));
        }
    }

    private static final Duration APPROVAL_WAIT = Duration.ofMinutes(5);

    private final Permission dflt;
    private final List<Rule> rules;

    PolicyRules(Permission dflt, List<Rule> rules) {
        this.dflt = dflt;
        this.rules = List.copyOf(rules);
    }

    public static PolicyRules load(Path file, ObjectMapper mapper) {
        JsonNode root;
        try {
            root = mapper.readTree(Files.readString(file));
        } catch (IOException e) {
            throw new ConfigException("Cannot read the policy file " + file + ": " + e.getMessage().lines().findFirst().orElse(""));
        }
        if (root == null || !root.isObject()) {
            throw new ConfigException("Policy file " + file + " must be a JSON object with 'default' and 'rules'.");
        }
        List<Rule> rules = new ArrayList<>();
        int i = 0;
        for (JsonNode r : root.path("rules")) {
            String where = "policy " + file + " rule " + i++;
            List<Pattern> tools = new ArrayList<>();
            r.path("tools").forEach(t -> tools.add(glob(t.asText())));
            if (tools.isEmpty()) {
                throw new ConfigException(where + ": 'tools' must list tool names or globs such as \"delete-*\".");
            }
            Set<String> cols = new java.util.TreeSet<>();
            r.path("collections").forEach(c -> cols.add(c.asText()));
            rules.add(new Rule(tools, cols, permission(r.path("permission").asText(""), where), r.path("reason").asText(null)));
        }
        return new PolicyRules(permission(root.path("default").asText("allow"), "policy " + file + " default"),
                rules);
    }

    /** Whether a tool can ever be called: not when it is denied for every collection. */
    public boolean listed(String tool) {
        boolean deniedEverywhere = rules.stream().anyMatch(r -> r.permission() == Permission.DENY
                && r.collections().isEmpty() && r.governs(tool));
        boolean anyMatch = rules.stream().anyMatch(r -> r.matchesTool(tool));
        return !deniedEverywhere && !(dflt == Permission.DENY && !anyMatch);
    }

    Permission decide(String tool, String collection) {
        Permission p = null;
        for (Rule r : rules) {
            if (r.matches(tool, collection) && (p == null || r.permission().ordinal() > p.ordinal())) {
                p = r.permission();
            }
        }
        return p == null ? dflt : p;
    }

    @Override
    public Mono<Void> check(ToolSpec spec, ObjectNode args, Reach reach, ApprovalAsker asker) {
        String tool = spec.name();
        String narrow = reach.narrowBy() == null ? "" : " Pass `" + reach.narrowBy() + "` to name one collection.";
        if (!reach.known() && rules.stream().anyMatch(r -> !r.collections().isEmpty()
                && r.permission() != Permission.ALLOW && r.governs(tool))) {
            return Mono.error(new ToolError("This server's policy has rules for particular collections that apply to " + tool
                    + ", and which collection this call touches cannot be told (" + reach.unknown() + ")." + narrow
                    + " Nothing was sent to Jetty."));
        }
        List<String> touched = new ArrayList<>(new java.util.TreeSet<>(reach.collections()));
        // a call that may read several collections is decided as if it named each: the strictest wins
        Permission p = touched.isEmpty() ? decide(tool, null) : null;
        String worst = null;
        for (String c : touched) {
            Permission q = decide(tool, c);
            if (p == null || q.ordinal() > p.ordinal()) {
                p = q;
                worst = c;
            }
        }
        if (p == Permission.ALLOW) {
            return Mono.empty();
        }
        String what = tool + (touched.isEmpty() ? "" : touched.size() == 1 ? " on collection '" + touched.get(0) + "'"
                : " on collections " + touched);
        if (p == Permission.DENY) {
            String on = worst;
            String reason = rules.stream().filter(r -> r.permission() == Permission.DENY && r.matches(tool, on))
                    .map(Rule::reason).filter(java.util.Objects::nonNull).findFirst().map(r -> " (" + r + ")").orElse("");
            String several = reach.several() ? ", and this call may read every collection in scope " + touched + "."
                    + narrow.replace("one collection", "one the policy allows") : ".";
            return Mono.error(new ToolError("This server's policy denies " + tool + (on == null ? "" : " on collection '"
                    + on + "'") + reason + several + " Nothing was sent to Jetty; "
                    + "the policy file (--policy) is set by the person who configured the server."));
        }
        if (!asker.canAsk()) {
            return Mono.error(new ToolError("This server's policy requires the person's approval for " + what
                    + ", but this client cannot ask (it does not support MCP elicitation). Nothing was sent to Jetty."));
        }
        return asker.ask(ApprovalPrompt.build(what, spec.input(), args))
                .timeout(APPROVAL_WAIT)
                .onErrorMap(e -> new ToolError("Approval for " + what + " could not be obtained (" + e.getClass().getSimpleName()
                        + "). Nothing was sent to Jetty."))
                .flatMap(approved -> approved ? Mono.<Void>empty() : Mono.error(new ToolError("The person did not approve "
                        + what + ". Nothing was sent to Jetty; do not retry unless they ask you to.")));
    }

    private static Permission permission(String v, String where) {
        return switch (v) {
            case "allow" -> Permission.ALLOW;
            case "approval_required" -> Permission.APPROVAL_REQUIRED;
            case "deny" -> Permission.DENY;
            default -> throw new ConfigException(where + ": permission must be allow, approval_required or deny, got '" + v + "'.");
        };
    }

    private static Pattern glob(String g) {
        StringBuilder re = new StringBuilder();
        for (char c : g.toCharArray()) {
            re.append(c == '*' ? ".*" : Pattern.quote(String.valueOf(c)));
        }
        return Pattern.compile(re.toString());
    }
}
