package dev.wakeq.operator.tenant;

import dev.wakeq.install.InstallReport;
import dev.wakeq.install.ObjectReport;
import dev.wakeq.wire.TcpWake;
import dev.wakeq.wire.WakeMessage;
import java.io.IOException;
import org.jboss.logging.Logger;

/**
 * The sweep the tenant's event cannot send while its function is not proven loaded (FunctionNotLoaded, or the
 * function gone): the operator sends it instead at every retry, so the tenant's jobs are still found within one
 * retry interval. It stops by itself once the installer marks the function loaded and the event sweeps again.
 */
final class StandInSweep {

    private static final Logger LOG = Logger.getLogger(StandInSweep.class);
    private static final int CONNECT_TIMEOUT_MILLIS = 2000;

    private StandInSweep() {
    }

    /** True when the tenant has a trigger that, by the report, does not call its function now. */
    static boolean needed(InstallReport report) {
        return report.object(ObjectReport.Kind.FUNCTION_LOADED).map(o -> !o.desiredAfterRun()).orElse(false)
                && report.object(ObjectReport.Kind.TRIGGER)
                .map(o -> o.found() != ObjectReport.Found.ABSENT || o.desiredAfterRun()).orElse(false);
    }

    static void send(String tenant, String host, int port, String key) {
        try {
            TcpWake.send(host, port, WakeMessage.sweep(key), CONNECT_TIMEOUT_MILLIS);
            LOG.debugf("tenant %s: stand-in sweep sent to %s:%d", tenant, host, port);
        } catch (IOException e) {
            // No worker listening yet, or a pool at zero behind its receiver: the next retry tries again.
            LOG.infof("tenant %s: stand-in sweep to %s:%d failed: %s", tenant, host, port, e.getMessage());
        }
    }
}
