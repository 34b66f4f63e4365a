package dev.wakeq.worker;

import dev.wakeq.wire.DropReason;
import dev.wakeq.wire.WakeMessage;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * The configured tenants by key, each with its poller. A reload replaces the pollers of changed tenants and
 * retires those of removed ones; a retired poller finishes its running jobs on its old connection while the new
 * one already takes wake-ups (both claim with SKIP LOCKED and their own tokens, so they never share a job).
 */
final class TenantRegistry implements WakeSink {

    private static final Logger LOG = Logger.getLogger(TenantRegistry.class.getName());

    private final PollerContext ctx;
    private volatile Map<String, TenantPoller> byKey = Map.of();
    private final Set<TenantPoller> retired = ConcurrentHashMap.newKeySet();
    private final LastWakes lastWakes = new LastWakes();
    private boolean closed;

    TenantRegistry(PollerContext ctx) {
        this.ctx = ctx;
    }

    synchronized void apply(List<TenantConfig> tenants) {
        if (closed) {
            return;
        }
        Map<String, TenantPoller> next = new HashMap<>();
        for (TenantConfig t : tenants) {
            TenantPoller current = byKey.get(t.key());
            next.put(t.key(), current != null && current.tenant().equals(t) ? current : new TenantPoller(t, ctx));
        }
        for (Map.Entry<String, TenantPoller> old : byKey.entrySet()) {
            if (next.get(old.getKey()) != old.getValue()) {
                LOG.info("tenant " + old.getValue().tenant().name()
                        + (next.containsKey(old.getKey()) ? " changed" : " removed") + "; retiring its poller");
                retire(old.getValue());
            }
        }
        byKey = Map.copyOf(next);
        lastWakes.retain(tenants.stream().map(TenantConfig::name).toList());
    }

    /** Tenants woken since this worker started (and still configured), with when. */
    Map<String, Long> lastWakes() {
        return lastWakes.snapshot();
    }

    @Override
    public void accept(WakeMessage message, Transport transport, long arrivalNanos) {
        TenantPoller poller = byKey.get(message.tenantKey());
        if (poller == null) {
            ctx.metrics().wakeDropped(DropReason.UNKNOWN_TENANT);
            return;
        }
        lastWakes.seen(poller.tenant().name());
        poller.wake(message.kind(), arrivalNanos);
    }

    private void retire(TenantPoller poller) {
        poller.retire();
        retired.add(poller);
        // Forget retired pollers once they are done, so reloads do not accumulate them.
        retired.removeIf(p -> {
            try {
                return p.awaitStopped(System.nanoTime());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        });
    }

    /** Retires every poller and waits for them until {@code deadlineNanos}; returns whether all stopped. */
    boolean close(long deadlineNanos) throws InterruptedException {
        synchronized (this) {
            closed = true;
            byKey.values().forEach(this::retire);
            byKey = Map.of();
        }
        boolean all = true;
        for (TenantPoller p : retired) {
            all &= p.awaitStopped(deadlineNanos);
        }
        return all;
    }
}
