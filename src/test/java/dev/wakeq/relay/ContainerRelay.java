package dev.wakeq.relay;

import dev.wakeq.testbed.kube.PodProcess;
import java.io.IOException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Starts a relay from a container's {@code WAKEQ_*} environment through {@link RelayMain}'s own parsing, so a test
 * that plays the kubelet configures it from exactly what the operator's relay Deployment says.
 */
public final class ContainerRelay implements PodProcess {

    private final RelayMain.Running running;

    private ContainerRelay(RelayMain.Running running) {
        this.running = running;
    }

    /** {@code env}: {@code valueFrom} resolved and paths mapped to this machine, as for a worker. */
    public static ContainerRelay start(Map<String, String> env) throws IOException {
        Map<String, String> cli = new HashMap<>();
        env.forEach((name, value) -> {
            if (name.startsWith("WAKEQ_")) {
                cli.put(name.substring("WAKEQ_".length()).toLowerCase(Locale.ROOT).replace('_', '-'), value);
            }
        });
        // Several pods share this machine's addresses, so each gets its own metrics port.
        cli.put("metrics-port", "0");
        return new ContainerRelay(RelayMain.start(cli));
    }

    @Override
    public boolean ready() {
        return running.relay().status().streaming();
    }

    @Override
    public int port() {
        return 0;
    }

    @Override
    public int httpPort() {
        return running.http().port();
    }

    @Override
    public long configChangesSeen() {
        return running.reloads().get();
    }

    @Override
    public void close() {
        running.close();
    }
}
