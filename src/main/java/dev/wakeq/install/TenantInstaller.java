package dev.wakeq.install;

import dev.wakeq.install.SqlErrors.Need;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Installs wakeq into one tenant database over plain JDBC: the function, the wake-up trigger on the queue
 * table, the safety-net event and (optionally) the queue tables. Idempotent: a second {@link #install} of the
 * same spec only reads. Never throws for database trouble; everything lands in the {@link InstallReport}.
 * Thread-safe: each call opens and closes its own connection.
 */
public final class TenantInstaller {

    private final ConnectionFactory connections;
    private final StatementListener listener;
    private final TriggerSql triggers;
    private final RecheckConnections recheckConnections;

    /** Connector/J with default settings, no statement listener. */
    public TenantInstaller() {
        this(ConnectionFactory.jdbc(Map.of()), StatementListener.NONE);
    }

    public TenantInstaller(ConnectionFactory connections, StatementListener listener) {
        this(connections, listener, "");
    }

    /** {@code triggerPrelude}: statements the trigger body runs before the call; tests only. */
    TenantInstaller(ConnectionFactory connections, StatementListener listener, String triggerPrelude) {
        this.connections = connections;
        this.listener = listener;
        this.triggers = new TriggerSql(triggerPrelude);
        this.recheckConnections = new RecheckConnections(connections);
    }

    /** Makes the database match the spec. */
    public InstallReport install(TenantSpec spec) {
        return install(spec, false);
    }

    /**
     * Makes the database match the spec. {@code afterNotLoaded}: the tenant's last run reported
     * {@link Reason#FunctionNotLoaded}; once the function is loaded again this run also swaps the trigger for an
     * identical one, because on MariaDB a trigger a session opened while the function was not loaded keeps calling
     * a stored function of that name until its table is opened again (docs/design.md).
     */
    public InstallReport install(TenantSpec spec, boolean afterNotLoaded) {
        return run(spec, true, ctx -> {
            Set<String> oldVersions = new TreeSet<>();
            if (objects(ctx, oldVersions, afterNotLoaded)) {
                FunctionStep.retire(ctx, oldVersions);
            }
        });
    }

    /**
     * A tenant whose wake-ups come from the binary-log relay: checks (and with {@code createQueueTable} creates) the
     * queue tables, installs no function, trigger, event or marks table. {@code relayAnnounces}: the relay reports
     * this tenant registered and streaming; only then are a trigger and event left from the Trigger source dropped,
     * so a switch has no moment where an insert is announced by neither. Never touches the shared function.
     */
    public InstallReport installBinlog(TenantSpec spec, boolean relayAnnounces) {
        return run(spec, true, ctx -> {
            TableStep.run(ctx, false);
            if (relayAnnounces) {
                UninstallStep.run(ctx);
            }
        });
    }

    /** Reads only: what {@link #install} would change (drift) and what problems it would hit. */
    public InstallReport inspect(TenantSpec spec) {
        return run(spec, false, ctx -> objects(ctx, new TreeSet<>(), false));
    }

    /**
     * Tables, function, the function's loaded mark, trigger and event, in that order: the trigger and event read the
     * marks table, and a function release marks the new function before any trigger calls it. True when trigger and
     * event are as desired.
     */
    private boolean objects(RunContext ctx, Set<String> oldVersions, boolean afterNotLoaded) {
        TableStep.Ready tables = TableStep.run(ctx);
        boolean functionReady = FunctionStep.ensure(ctx);
        LoadedStep.run(ctx, tables.marks(), functionReady, afterNotLoaded, () -> TriggerStep.renew(ctx, triggers));
        boolean tablesReady = tables.queue() && tables.marks();
        boolean triggerDone = TriggerStep.run(ctx, triggers, tablesReady, functionReady, oldVersions);
        boolean eventDone = EventStep.run(ctx, tablesReady, functionReady, oldVersions);
        return triggerDone && eventDone;
    }

    /**
     * Reads only, for {@code wakeq install --check}: {@link #inspect} plus every privilege of docs/installer.md the
     * account lacks and whether the binary log would refuse its trigger, all listed at once.
     */
    public InstallReport check(TenantSpec spec) {
        return run(spec, false, ctx -> {
            GrantStep.run(ctx);
            objects(ctx, new TreeSet<>(), false);
        });
    }

    /**
     * Reads only: whether a replica of the tenant's server ({@code spec} names the replica) lists the tenant's function
     * with its library loaded. Problems are FunctionNotLoaded, UdfLibraryMissing (not listed) or FunctionConflict.
     */
    public InstallReport checkReplica(TenantSpec spec) {
        return run(spec, false, ReplicaStep::run);
    }

    /**
     * One statement that tells whether anything {@link #install} reads has changed since a run whose fingerprint the
     * caller kept: {@link Fingerprint#sameAs}. It runs on a connection kept open per server and account
     * ({@link RecheckConnections}). Empty when it cannot be read (the database is unreachable, a privilege or the
     * MySQL marks table is missing): the caller then runs {@link #install}, which says why.
     */
    public java.util.Optional<Fingerprint> fingerprint(TenantSpec spec) {
        try {
            return java.util.Optional.ofNullable(recheckConnections.with(spec, connection -> {
                boolean mariaDb = connection.getMetaData().getDatabaseProductVersion().contains("MariaDB");
                return FingerprintSql.read(new SqlExecutor(connection, listener), spec, mariaDb);
            }));
        } catch (SQLException e) {
            return java.util.Optional.empty();
        }
    }

    /** Drops the trigger and the event; leaves the queue tables, their rows and the shared function. */
    public InstallReport uninstall(TenantSpec spec) {
        return run(spec, true, UninstallStep::run);
    }

    private interface Steps {
        void run(RunContext ctx);
    }

    private InstallReport run(TenantSpec spec, boolean write, Steps steps) {
        Connection connection;
        try {
            connection = connections.open(spec);
        } catch (SQLException e) {
            return SchemaProbe.refused(connections, listener, spec, e);
        }
        try {
            RunContext ctx = new RunContext(new SqlExecutor(connection, listener), spec, write);
            ServerSql.Settings settings = ctx.attempt(new Need("SELECT", "server variables"),
                    () -> ServerSql.read(ctx.sql));
            if (settings != null) {
                ctx.settings(settings);
                steps.run(ctx);
            }
            return ctx.finish();
        } finally {
            closeQuietly(connection);
        }
    }

    private static void closeQuietly(Connection connection) {
        try {
            connection.close();
        } catch (SQLException e) {
            // The report is complete; a failed close changes nothing the caller could act on.
        }
    }
}
