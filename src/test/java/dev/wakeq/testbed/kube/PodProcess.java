package dev.wakeq.testbed.kube;

/** What {@link FakeKubelet} runs for one pod: a worker, a pool's receiver or a relay, in-process. */
public interface PodProcess extends AutoCloseable {

    /** What the readiness probe would answer. */
    boolean ready();

    /** The wake port (0 for a relay, which listens for none). */
    int port();

    /** Where {@code /metrics}, the probes and {@code /report} answer. */
    int httpPort();

    /** Configuration files seen so far: grows when a changed Secret volume has been read. */
    long configChangesSeen();

    @Override
    void close();
}
