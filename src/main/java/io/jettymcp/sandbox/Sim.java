package io.jettymcp.sandbox;

/**
 * Everything a handler may touch. Handlers run while holding this object's monitor, so the
 * mutable {@link SimState} needs no finer locking.
 */
final class Sim {

    final SandboxOptions options;
    final VirtualClock clock;
    final SandboxSwitches switches;
    final Faults faults;
    final RequestLog requests;
    final Auth auth = new Auth();
    final Engine engine = new Engine(this);
    private SimState state;

    Sim(SandboxOptions options, VirtualClock clock, SandboxSwitches switches, Faults faults, RequestLog requests) {
        this.options = options;
        this.clock = clock;
        this.switches = switches;
        this.faults = faults;
        this.requests = requests;
        this.state = Seed.create(options.seed(), clock.now());
    }

    /** Current world; callers must hold the monitor. */
    SimState state() {
        return state;
    }

    synchronized void reset() {
        state = Seed.create(options.seed(), clock.now());
        requests.clear();
        faults.clear();
        switches.reset();
    }

    /** Collection by path name after the scope check; 404 with {@code notFound} when missing. */
    CollectionRec collection(Principal p, String name, boolean exactScope, String notFound) {
        Auth.scope(p, name, exactScope);
        CollectionRec c = state.collection(name);
        if (c == null) {
            throw ApiError.detail(404, notFound);
        }
        return c;
    }
}
