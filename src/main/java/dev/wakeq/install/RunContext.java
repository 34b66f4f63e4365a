package dev.wakeq.install;

import dev.wakeq.install.ObjectReport.Action;
import dev.wakeq.install.ObjectReport.Found;
import dev.wakeq.install.ObjectReport.Kind;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * State shared by the steps of one run: the executor, the spec, and the report being built. A step that fails
 * records a problem and returns; once the connection is lost every later step is skipped.
 */
final class RunContext {

    @FunctionalInterface
    interface Call<T> {
        T run() throws SQLException;
    }

    @FunctionalInterface
    interface Action0 {
        void run() throws SQLException;
    }

    final SqlExecutor sql;
    final TenantSpec spec;
    /** False for {@code inspect}: read, compare, change nothing. */
    final boolean write;
    private final List<ObjectReport> objects = new ArrayList<>();
    private final List<Problem> problems = new ArrayList<>();
    private final List<Problem> notes = new ArrayList<>();
    private ServerSql.Settings settings;
    private boolean lost;

    RunContext(SqlExecutor sql, TenantSpec spec, boolean write) {
        this.sql = sql;
        this.spec = spec;
        this.write = write;
    }

    /** The call's result, or null after recording why it failed. */
    <T> T attempt(SqlErrors.Need need, Call<T> call) {
        if (lost) {
            return null;
        }
        try {
            return call.run();
        } catch (SQLException e) {
            fail(e, need);
            return null;
        }
    }

    /** True when the action ran without error. */
    boolean attemptTo(SqlErrors.Need need, Action0 action) {
        return attempt(need, () -> {
            action.run();
            return Boolean.TRUE;
        }) != null;
    }

    void fail(SQLException e, SqlErrors.Need need) {
        problems.add(SqlErrors.problem(e, need, spec, settings == null ? null : settings.pluginDir()));
        lost |= SqlErrors.unreachable(e);
    }

    void problem(Reason reason, String message) {
        problems.add(Problem.of(reason, message));
    }

    /** Information for the report that needs no action to keep wake-ups working. */
    void note(Reason reason, String message) {
        notes.add(Problem.of(reason, message));
    }

    void report(Kind kind, String name, Found found, Action action, String detail) {
        objects.add(new ObjectReport(kind, name, found, action, detail == null ? "" : detail));
    }

    void settings(ServerSql.Settings read) {
        this.settings = read;
    }

    /** Null when they could not be read. */
    ServerSql.Settings settings() {
        return settings;
    }

    /** {@code `schema`.`name`}, for messages. */
    String qualified(String name) {
        return spec.schema().quoted() + ".`" + name + "`";
    }

    InstallReport finish() {
        return new InstallReport(objects, problems, notes, sql.count());
    }
}
