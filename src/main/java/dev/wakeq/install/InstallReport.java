package dev.wakeq.install;

import java.util.List;
import java.util.Optional;

/**
 * The typed result of {@code install}, {@code inspect} or {@code uninstall}: one entry per object, the problems
 * found, and how many statements were sent (the operator's "queries per reconcile").
 *
 * @param objects    per object: what was found and what was done
 * @param problems   what the user must act on; empty when all is well
 * @param notes      information that needs no action to keep wake-ups working (e.g. {@link Reason#OldFunctionKept})
 * @param statements statements sent to the server in this run, queries included
 */
public record InstallReport(List<ObjectReport> objects, List<Problem> problems, List<Problem> notes, int statements) {

    public InstallReport {
        objects = List.copyOf(objects);
        problems = List.copyOf(problems);
        notes = List.copyOf(notes);
    }

    public boolean hasProblems() {
        return !problems.isEmpty();
    }

    /** For {@code install}: everything is in place. For {@code inspect}: there is no drift and no problem. */
    public boolean inSync() {
        return problems.isEmpty() && objects.stream()
                .filter(o -> o.kind() != ObjectReport.Kind.DEAD_LETTER_TABLE && o.kind() != ObjectReport.Kind.OLD_FUNCTION)
                .allMatch(ObjectReport::desiredAfterRun);
    }

    public Optional<ObjectReport> object(ObjectReport.Kind kind) {
        return objects.stream().filter(o -> o.kind() == kind).findFirst();
    }

    public Optional<Problem> problem(Reason reason) {
        return problems.stream().filter(p -> p.reason() == reason).findFirst();
    }

    public Optional<Problem> note(Reason reason) {
        return notes.stream().filter(p -> p.reason() == reason).findFirst();
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("InstallReport (" + statements + " statements)");
        objects.forEach(o -> sb.append("\n  ").append(o));
        problems.forEach(p -> sb.append("\n  problem ").append(p));
        notes.forEach(p -> sb.append("\n  note ").append(p));
        return sb.toString();
    }
}
