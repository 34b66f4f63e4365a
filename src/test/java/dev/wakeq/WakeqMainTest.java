package dev.wakeq;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The image runs one entry point; its first argument decides between worker, relay and operator. */
class WakeqMainTest {

    private final List<String> calls = new ArrayList<>();

    private void run(String... args) throws Exception {
        WakeqMain.dispatch(args, a -> calls.add("worker " + String.join(" ", a)),
                a -> calls.add("relay " + String.join(" ", a)), a -> calls.add("operator " + String.join(" ", a)));
    }

    @Test
    void workerArgumentRunsTheWorkerWithTheRestOfTheArguments() throws Exception {
        run("worker", "--port=9000", "--handler=log");
        assertThat(calls).containsExactly("worker --port=9000 --handler=log");
    }

    @Test
    void workerAloneRunsTheWorkerWithNoArguments() throws Exception {
        // The worker Deployment passes args ["worker"] and everything else through WAKEQ_* variables.
        run("worker");
        assertThat(calls).containsExactly("worker ");
    }

    @Test
    void relayArgumentRunsTheRelayWithTheRestOfTheArguments() throws Exception {
        run("relay", "--relay-file=/etc/wakeq/relay.json");
        assertThat(calls).containsExactly("relay --relay-file=/etc/wakeq/relay.json");
    }

    @Test
    void noArgumentsOrAnythingElseBootsTheOperator() throws Exception {
        run();
        run("--help");
        run("workers");
        run("relays");
        assertThat(calls).containsExactly("operator ", "operator --help", "operator workers", "operator relays");
    }
}
