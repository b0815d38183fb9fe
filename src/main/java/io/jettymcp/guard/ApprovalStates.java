package io.jettymcp.guard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongSupplier;

/**
 * The request state of an approval in the 2026-07-28 era (MRTR): the server answers a call that needs approval
 * with {@code input_required} and this state, and the client retries the call with the person's answer and the
 * state. The state is HMAC-signed, expires {@link #TTL} after it was issued, names the tool and keyed hashes of
 * the caller and of the arguments (never their values), and is accepted once by each replica.
 *
 * <p>Replicas that share the signing key accept each other's states, so a client may retry on any of them. A
 * state is remembered only by the replica that accepted it: within its 5 minutes it can be replayed once on each
 * other replica, for the same caller, tool and arguments only, which is the approval the person gave.
 */
public final class ApprovalStates {

    /** How long an approval question stays answerable. */
    public static final Duration TTL = Duration.ofMinutes(5);
    /** Accepted states remembered at once (until they expire); past this, approvals are refused until some expire. */
    static final int MAX_REMEMBERED = 100_000;
    /** The shortest configured signing key: shorter ones are guessable. */
    public static final int MIN_KEY_CHARS = 32;

    /** What a retried call's state is worth. */
    public sealed interface Check permits Accepted, Refused {
    }

    public record Accepted() implements Check {
    }

    /** @param reason what went wrong and what to do, for the caller */
    public record Refused(String reason) implements Check {
    }

    private final byte[] key;
    private final LongSupplier millis;
    private final ObjectMapper mapper = new ObjectMapper();
    private final SecureRandom random = new SecureRandom();
    /** nonce of each accepted state → its expiry (epoch ms) */
    private final Map<String, Long> used = new HashMap<>();

    /**
     * @param key    the signing key: {@link #key(String)} of the configured one, or {@link #randomKey()} for a single
     *               replica
     * @param millis the wall clock (epoch ms); tests move their own
     */
    public ApprovalStates(byte[] key, LongSupplier millis) {
        this.key = key.clone();
        this.millis = millis;
    }

    /** A signing key from configured text (shared by the replicas): its SHA-256, so any text of enough length works. */
    public static byte[] key(String configured) {
        if (configured == null || configured.strip().length() < MIN_KEY_CHARS) {
            throw new ConfigKeyTooShort();
        }
        return sha256(configured.strip().getBytes(StandardCharsets.UTF_8));
    }

    /** A key of this process only: its states are accepted by this replica alone. */
    public static byte[] randomKey() {
        byte[] k = new byte[32];
        new SecureRandom().nextBytes(k);
        return k;
    }

    /** A configured key shorter than {@link #MIN_KEY_CHARS}. */
    public static final class ConfigKeyTooShort extends IllegalArgumentException {
        ConfigKeyTooShort() {
            super("The approval signing key must be at least " + MIN_KEY_CHARS + " characters (e.g. the output of "
                    + "'openssl rand -base64 32'); give every replica the same one.");
        }
    }

    /**
     * @param caller who asked (a per-request key, a bearer token: hashed here, never kept)
     * @param args   the call's arguments: only their hash goes into the state
     */
    public String issue(String caller, String tool, JsonNode args) {
        byte[] n = new byte[16];
        random.nextBytes(n);
        ObjectNode p = mapper.createObjectNode()
                .put("v", 1)
                .put("t", tool)
                .put("c", hash(caller == null ? "" : caller))
                .put("a", hash(canonical(args)))
                .put("n", b64(n))
                .put("e", millis.getAsLong() + TTL.toMillis());
        String payload = b64(p.toString().getBytes(StandardCharsets.UTF_8));
        return payload + "." + b64(hmac(payload));
    }

    /** Checks a retried call's state against the call; an accepted state is not accepted again by this replica. */
    public Check accept(String state, String caller, String tool, JsonNode args) {
        JsonNode p = verified(state);
        if (p == null) {
            return new Refused("The approval state is not one this server issued (it was changed, or another server "
                    + "signed it). Nothing was sent to Jetty; the next call asks for approval anew.");
        }
        long now = millis.getAsLong();
        if (now > p.path("e").asLong()) {
            return new Refused("The approval expired: an answer counts for " + TTL.toMinutes() + " minutes. Nothing "
                    + "was sent to Jetty; the next call asks for approval anew.");
        }
        if (!tool.equals(p.path("t").asText()) || !hash(caller == null ? "" : caller).equals(p.path("c").asText())
                || !hash(canonical(args)).equals(p.path("a").asText())) {
            return new Refused("The approval was given for another tool, caller or arguments than this call's. "
                    + "Nothing was sent to Jetty; a call with these arguments asks for its own approval.");
        }
        synchronized (used) {
            used.values().removeIf(expiry -> expiry < now);
            String nonce = p.path("n").asText();
            if (used.containsKey(nonce)) {
                return new Refused("This approval was already used: each one allows one call. Nothing was sent to "
                        + "Jetty for this one.");
            }
            if (used.size() >= MAX_REMEMBERED) {
                return new Refused("Too many approvals are outstanding on this server; wait a few minutes. Nothing "
                        + "was sent to Jetty.");
            }
            used.put(nonce, p.path("e").asLong());
        }
        return new Accepted();
    }

    /** @return the state's payload when its signature is this key's, else null */
    private JsonNode verified(String state) {
        int dot = state == null ? -1 : state.indexOf('.');
        if (dot <= 0 || dot != state.lastIndexOf('.')) {
            return null;
        }
        String payload = state.substring(0, dot);
        byte[] given;
        try {
            given = Base64.getUrlDecoder().decode(state.substring(dot + 1));
        } catch (IllegalArgumentException e) {
            return null;
        }
        if (!MessageDigest.isEqual(hmac(payload), given)) {
            return null;
        }
        try {
            JsonNode p = mapper.readTree(Base64.getUrlDecoder().decode(payload));
            return p != null && p.path("v").asInt() == 1 ? p : null;
        } catch (Exception e) {
            return null;
        }
    }

    /** JSON with every object's fields in name order: the same arguments hash the same whatever their order. */
    static String canonical(JsonNode node) {
        if (node == null || node.isMissingNode()) {
            return "null";
        }
        if (node.isObject()) {
            TreeMap<String, JsonNode> sorted = new TreeMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                sorted.put(e.getKey(), e.getValue());
            }
            StringBuilder sb = new StringBuilder("{");
            sorted.forEach((k, v) -> sb.append(sb.length() > 1 ? "," : "")
                    .append(com.fasterxml.jackson.databind.node.TextNode.valueOf(k)).append(':').append(canonical(v)));
            return sb.append('}').toString();
        }
        if (node.isArray()) {
            StringBuilder sb = new StringBuilder("[");
            node.forEach(v -> sb.append(sb.length() > 1 ? "," : "").append(canonical(v)));
            return sb.append(']').toString();
        }
        return node.toString();
    }

    private byte[] hmac(String payload) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(payload.getBytes(StandardCharsets.US_ASCII));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e); // every JVM has HmacSHA256
        }
    }

    /** Keyed (HMAC): without the signing key, a state does not even let one guess and check an argument's value. */
    private String hash(String text) {
        return b64(hmac("hash:" + b64(text.getBytes(StandardCharsets.UTF_8))));
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e); // every JVM has SHA-256
        }
    }

    private static String b64(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
