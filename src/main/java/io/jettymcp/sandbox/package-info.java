/**
 * Sandbox simulator: a faithful local fake of Jetty's flows-api (see jetty-api.md §6) on
 * 127.0.0.1, used by every e2e test and by {@code --sandbox}.
 *
 * <p>Public API: {@link io.jettymcp.sandbox.SandboxServer} ({@code start}, {@code requests},
 * {@code faults}, {@code switches}, {@code clock}, {@code reset}), {@link io.jettymcp.sandbox.SandboxOptions},
 * {@link io.jettymcp.sandbox.SandboxSeeds}, {@link io.jettymcp.sandbox.RecordedRequest},
 * {@link io.jettymcp.sandbox.RequestLog}, {@link io.jettymcp.sandbox.Faults},
 * {@link io.jettymcp.sandbox.FaultRule}, {@link io.jettymcp.sandbox.FaultKind},
 * {@link io.jettymcp.sandbox.SandboxSwitches}, {@link io.jettymcp.sandbox.VirtualClock}. Everything
 * else is package-private.
 *
 * <p>Admin surface (no auth, never recorded, never faulted, not User-Agent-blocked):
 * <ul>
 *   <li>{@code POST /__sim/reset} — seeded state again; clears requests, faults, switches</li>
 *   <li>{@code GET|DELETE /__sim/requests} — recorded API requests (Authorization, secret_params,
 *       webhook secrets and env values redacted in this view; the Java RequestLog keeps them raw)</li>
 *   <li>{@code GET|POST|DELETE /__sim/faults} — POST a FaultRule as snake_case JSON:
 *       {@code {"method","path_regex","kind","status","body","delay_millis","retry_after_seconds","times","skip"}}</li>
 *   <li>{@code GET /__sim/clock}, {@code POST /__sim/clock/advance {"seconds": N}}</li>
 *   <li>{@code GET|POST /__sim/switches} — snake_case or camelCase switch names</li>
 *   <li>{@code GET /__sim/seed} — seeded tokens, collections and tasks</li>
 * </ul>
 *
 * <p>Time: the {@link io.jettymcp.sandbox.VirtualClock} runs with real time and can be advanced.
 * Each step takes {@code stepSeconds} virtual seconds (runbook steps 30x, or 10x/4x/3x when the agent
 * "exits early"); a step config key {@code sim_seconds} overrides it. A 250 ms background tick plus
 * every request and every clock advance move runs forward, fire routine schedules and send webhooks.
 */
package io.jettymcp.sandbox;
