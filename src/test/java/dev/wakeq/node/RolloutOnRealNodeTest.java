package dev.wakeq.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wakeq.testbed.node.ChartRelease;
import dev.wakeq.testbed.node.Images;
import dev.wakeq.testbed.node.RealNode;
import dev.wakeq.testbed.node.RequiresRealNode;
import dev.wakeq.testbed.node.TenantOnNode;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A worker image rollout on a real node (a second tag of the same image) while the database inserts 50 jobs a
 * second: every job is handled, none dead-lettered, and the trigger's datagrams afterwards reach a live pod.
 * kube-proxy pins a UDP flow (source address and port) to one pod in conntrack, and a flow left pinned to the deleted
 * pod would blackhole every wake-up (kubernetes issues #125979, #102618, #66651); the function therefore sends from a
 * fresh source port every second (udf-image/tests/conntrack-test.sh shows the pinned case). Prints the longest time
 * a job waited from its INSERT to being handled.
 */
@RequiresRealNode
class RolloutOnRealNodeTest {

    private static final Duration WAIT = Duration.ofSeconds(240);
    private static final int WAKE_PORT = 8686;
    private static RealNode node;
    private static KubernetesClient client;
    private static TenantOnNode roll;

    @BeforeAll
    static void install() {
        node = RealNode.shared();
        client = node.newClient();
        ChartRelease.installed(node);
        // A schema of its own per run: a node brought up by hand keeps the database between runs.
        roll = new TenantOnNode(node, client, "roll" + Integer.toHexString((int) (System.nanoTime() & 0xfff)));
    }

    @AfterAll
    static void close() {
        if (client != null) {
            client.close();
        }
    }

    @Test
    void aRolloutUnder50InsertsPerSecondLosesNoJobAndLeavesNoWakeUpPinnedToTheOldPod() throws Exception {
        String second = Images.wakeqImage() + "-rollout";
        node.tagImage(Images.wakeqImage(), second);
        roll.apply("""
                image: %s
                minReplicas: 1
                maxReplicas: 1
                idleTimeoutSeconds: 10
                handler: {type: Log}""".formatted(Images.wakeqImage()));
        roll.awaitOrExplain("QueueTenant Ready", WAIT, () -> "True".equals(roll.readyStatus()));
        Pod old = roll.awaitPodKnowingTheTenant("worker", WAIT);

        Map<Long, Long> inserted = new ConcurrentHashMap<>();
        Map<Long, Long> waited = new ConcurrentHashMap<>();
        AtomicReference<Exception> failure = new AtomicReference<>();
        ScheduledExecutorService inserter = Executors.newSingleThreadScheduledExecutor();
        ScheduledExecutorService tracker = Executors.newSingleThreadScheduledExecutor();
        try (Connection insertConnection = roll.connection(); Connection poll = roll.connection()) {
            inserter.scheduleAtFixedRate(() -> {
                try {
                    long t = System.nanoTime();
                    inserted.put(TenantOnNode.insert(insertConnection, "rollout"), t);
                } catch (Exception e) {
                    failure.compareAndSet(null, e);
                }
            }, 0, 20, TimeUnit.MILLISECONDS);
            tracker.scheduleWithFixedDelay(() -> {
                try {
                    track(poll, inserted, waited);
                } catch (Exception e) {
                    failure.compareAndSet(null, e);
                }
            }, 0, 20, TimeUnit.MILLISECONDS);
            roll.awaitOrExplain("5 s of inserts before the rollout", Duration.ofSeconds(30), () -> inserted.size() >= 250);
            long rolloutStart = System.nanoTime();
            List<String> timeline = new java.util.concurrent.CopyOnWriteArrayList<>();
            tracker.scheduleWithFixedDelay(() -> sample(rolloutStart, timeline), 0, 250, TimeUnit.MILLISECONDS);
            node.kubectl("patch", "workerpool", roll.schema, "-n", roll.namespace, "--type=merge",
                    "-p", "{\"spec\":{\"image\":\"" + second + "\"}}");
            roll.awaitOrExplain("rollout done, old pod gone", WAIT, () -> rolledOut(second, old));
            long rolloutDone = System.nanoTime();
            int before = inserted.size();
            roll.awaitOrExplain("10 s of inserts after the rollout", Duration.ofSeconds(60),
                    () -> inserted.size() >= before + 500);
            inserter.shutdown();
            assertThat(inserter.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
            roll.awaitOrExplain("every job handled", WAIT, () -> waited.size() == inserted.size());
            tracker.shutdown();
            assertThat(tracker.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
            assertThat(failure.get()).as("insert or query failures").isNull();
            assertThat(count(poll, "_queue_dead")).as("dead-lettered jobs").isZero();

            // The trigger's current flow (the function's socket of this second; older ones carry nothing more and
            // expire) must point at a pod that runs now, not at the deleted one.
            Set<String> live = new HashSet<>();
            roll.pods("worker").forEach(p -> live.add(p.getStatus().getPodIP()));
            List<String> flows = node.udpConntrack(wakeServiceIp(), WAKE_PORT);
            System.out.println("real-node: conntrack after the rollout (UDP to the wake Service):\n"
                    + String.join("\n", flows));
            assertThat(flows).isNotEmpty();
            String current = flows.stream().max(java.util.Comparator.comparingInt(RolloutOnRealNodeTest::secondsLeft))
                    .orElseThrow();
            assertThat(replySource(current)).as("the newest flow: " + current).isIn(live);

            long longest = waited.values().stream().mapToLong(Long::longValue).max().orElseThrow();
            double seconds = (System.nanoTime() - rolloutStart) / 1e9 + 5;
            System.out.println("real-node: during the rollout, ms after the patch: the wake Service's endpoints "
                    + "-> where the trigger's UDP flow goes (conntrack reply source)\n" + String.join("\n", timeline));
            long slow = waited.values().stream().filter(w -> w > 1_000_000_000L).count();
            System.out.printf("real-node: rollout %s -> %s in %d ms under %.0f inserts/s: %d jobs, 0 lost, "
                            + "0 dead-lettered; longest INSERT -> handled %d ms, %d jobs over 1 s%n",
                    Images.wakeqImage(), second, InsertHandledOnRealNodeTest.ms(rolloutDone - rolloutStart),
                    inserted.size() / seconds, inserted.size(), InsertHandledOnRealNodeTest.ms(longest), slow);
        } finally {
            inserter.shutdownNow();
            tracker.shutdownNow();
        }
    }

    /** One pass: marks the jobs whose rows are gone as handled, with how long they waited. */
    private static void track(Connection c, Map<Long, Long> inserted, Map<Long, Long> waited) throws Exception {
        Map<Long, Long> known = new HashMap<>(inserted);
        Set<Long> queued = new HashSet<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT id FROM _queue")) {
            while (rs.next()) {
                queued.add(rs.getLong(1));
            }
        }
        long now = System.nanoTime();
        known.forEach((id, at) -> {
            if (!queued.contains(id)) {
                waited.putIfAbsent(id, now - at);
            }
        });
    }

    /** Adds a line to the timeline when the wake Service's endpoints or the trigger's UDP flows change. */
    private static void sample(long start, List<String> timeline) {
        try {
            var endpoints = client.endpoints().inNamespace(roll.namespace).withName(roll.schema + "-wake").get();
            List<String> ready = endpoints == null || endpoints.getSubsets() == null ? List.of()
                    : endpoints.getSubsets().stream().flatMap(ss -> ss.getAddresses() == null ? java.util.stream.Stream.empty()
                            : ss.getAddresses().stream()).map(a -> a.getIp()).distinct().sorted().toList();
            List<String> flows = node.udpConntrack(wakeServiceIp(), WAKE_PORT).stream()
                    .map(RolloutOnRealNodeTest::replySource).sorted().distinct().toList();
            String state = "endpoints " + ready + " -> flows " + flows;
            if (timeline.isEmpty() || !timeline.get(timeline.size() - 1).endsWith(state)) {
                timeline.add(String.format("%6d ms  %s", (System.nanoTime() - start) / 1_000_000, state));
            }
        } catch (RuntimeException e) {
            timeline.add("sample failed: " + e.getMessage());
        }
    }

    private static boolean rolledOut(String image, Pod old) {
        List<Pod> pods = roll.pods("worker");
        return !pods.isEmpty() && pods.stream().noneMatch(p -> p.getMetadata().getUid().equals(old.getMetadata().getUid()))
                && pods.stream().allMatch(p -> TenantOnNode.ready(p)
                        && image.equals(p.getSpec().getContainers().get(0).getImage()));
    }

    private static long count(Connection c, String table) throws Exception {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** The pool's wake Service address: the trigger's datagrams go there (other test classes' pools share the node). */
    private static String wakeServiceIp() {
        return client.services().inNamespace(roll.namespace).withName(roll.schema + "-wake").get().getSpec()
                .getClusterIP();
    }

    /** "udp 17 29 src=...": seconds until the entry expires; the highest is the flow that carried the last packet. */
    static int secondsLeft(String flow) {
        return Integer.parseInt(flow.trim().split("\\s+")[2]);
    }

    /** "udp 17 29 src=A dst=S sport=P dport=8686 [UNREPLIED] src=POD dst=A ...": the reply's source is the pod. */
    static String replySource(String flow) {
        String[] parts = flow.split("\\s+");
        int seen = 0;
        for (String p : parts) {
            if (p.startsWith("src=") && ++seen == 2) {
                return p.substring(4);
            }
        }
        throw new IllegalArgumentException("no reply source in " + flow);
    }
}
