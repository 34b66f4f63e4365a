package dev.wakeq.worker;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** Remembers every call (with its arrival time) and delegates the outcome to a behaviour the test picks. */
final class RecordingHandler implements JobHandler {

    record Call(Job job, long nanos) {
    }

    final List<Call> calls = new CopyOnWriteArrayList<>();
    final Set<String> succeeded = ConcurrentHashMap.newKeySet();
    private final JobHandler behaviour;

    RecordingHandler(JobHandler behaviour) {
        this.behaviour = behaviour;
    }

    RecordingHandler() {
        this(job -> { });
    }

    @Override
    public void handle(Job job) throws Exception {
        calls.add(new Call(job, System.nanoTime()));
        behaviour.handle(job);
        succeeded.add(job.payload());
    }

    List<Call> callsFor(String payload) {
        return calls.stream().filter(c -> c.job().payload().equals(payload)).toList();
    }
}
