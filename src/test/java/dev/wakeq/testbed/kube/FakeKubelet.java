package dev.wakeq.testbed.kube;

import dev.wakeq.operator.pool.PoolNames;
import dev.wakeq.operator.pool.WorkerDeploymentDependent;
import dev.wakeq.operator.tenant.TenantsFile;
import dev.wakeq.WakeqMain;
import dev.wakeq.relay.ContainerRelay;
import dev.wakeq.worker.ContainerWorker;
import dev.wakeq.worker.JobHandler;
import dev.wakeq.worker.TenantShards;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.DeploymentConditionBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * Plays kubelet, Deployment controller and kube-proxy for wakeq's worker Deployments on a bare API server (which
 * runs none of them): a Deployment that wants replicas gets in-process workers started from its pod template
 * (container environment, Secret volumes written to disk and rewritten when the Secret changes, as the kubelet
 * does), each on its own loopback address; a {@link ServiceProxy} on the pool's wake address passes wake-ups to
 * the ready ones, as the wake Service would; the Deployment's status reports them as the controller would.
 *
 * <p>A changed pod template rolls the way {@code RollingUpdate} with {@code maxSurge: 1, maxUnavailable: 0} does:
 * a new pod starts, joins the Service once ready, and only then does one old pod leave the Service and drain
 * (SIGTERM: its runtime closes, finishing running jobs). Each running worker is also published as a Pod object
 * (Running, Ready, its address, its real metrics port) so that the operator finds it and reads its report.
 *
 * <p>A relay Deployment (container argument {@code relay}) gets an in-process relay instead, ready while it streams.
 *
 * <p>Simplifications, all deliberate: no scheduler, images, probes or resources; readiness is the worker's own
 * {@code ready()}; the rollout runs on the watch thread, so other events wait until it is done.
 */
public final class FakeKubelet implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(FakeKubelet.class);
    /** How long a Secret update may take to reach the worker (it re-reads its file every second). */
    private static final long RELOAD_WAIT_MILLIS = 10_000;
    /** How long a new pod may take to become ready before the rollout gives up on it. */
    private static final long READY_WAIT_MILLIS = 30_000;

    private final KubernetesClient client;
    private final String namespace;
    private final InetAddress serviceAddress;
    private final UnaryOperator<JobHandler> handlers;
    private final Path root;
    private final Map<String, ReplicaSet> deployments = new HashMap<>();
    /** Service name to its proxy; address of each Service, fixed at first sight of its name. */
    private final Map<String, Proxied> services = new HashMap<>();
    private final Map<String, InetAddress> serviceAddresses = new HashMap<>();
    private final List<SharedIndexInformer<?>> informers = new ArrayList<>();
    private int podsStarted;

    /**
     * @param serviceAddress the pool's wake address: the advertised address in tests. Pods get addresses of
     *                       their own, 127.&lt;last byte of this address&gt;.0.n
     * @param handlers       wraps the handler each worker's environment selects (to record jobs)
     */
    public FakeKubelet(KubernetesClient client, String namespace, InetAddress serviceAddress,
                       UnaryOperator<JobHandler> handlers) {
        this.client = client;
        this.namespace = namespace;
        this.serviceAddress = serviceAddress;
        this.handlers = handlers;
        try {
            this.root = Files.createTempDirectory("wakeq-kubelet");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts watching the namespace's operator-made Services, Deployments and Secrets. */
    public FakeKubelet start() {
        informers.add(client.services().inNamespace(namespace)
                .withLabel(PoolNames.MANAGED_BY, PoolNames.MANAGED_BY_VALUE)
                .inform(handler(this::serviceChanged, this::serviceRemoved)));
        informers.add(client.apps().deployments().inNamespace(namespace)
                .withLabel(PoolNames.MANAGED_BY, PoolNames.MANAGED_BY_VALUE)
                .inform(handler(this::sync, this::removed)));
        informers.add(client.secrets().inNamespace(namespace)
                .withLabel(PoolNames.MANAGED_BY, PoolNames.MANAGED_BY_VALUE)
                .inform(handler(this::secretChanged, s -> { })));
        return this;
    }

    /**
     * Whether every running pod has applied the current version of the tenants shard Secret that lists
     * {@code tenantName} ({@code namespace/name}): then a wake-up for it is served whichever pod the Service picks.
     */
    public synchronized boolean serves(String tenantName) {
        // Worker pods (a relay pod reads a relay file instead).
        List<Pod> all = deployments.values().stream().flatMap(r -> r.pods.stream())
                .filter(p -> p.worker instanceof ContainerWorker).toList();
        return !all.isEmpty() && all.stream().allMatch(p -> p.knows(tenantName));
    }

    /** The wake port the Deployment's Service and workers listen on, or -1 when no worker runs. */
    public synchronized int workerPort(String deployment) {
        ReplicaSet r = deployments.get(deployment);
        return r == null || r.pods.isEmpty() ? -1 : r.pods.get(0).worker.port();
    }

    /** Workers of the Deployment running now (ready or not). */
    public synchronized int running(String deployment) {
        ReplicaSet r = deployments.get(deployment);
        return r == null ? 0 : r.pods.size();
    }

    /** Pods started so far, over all Deployments (a rollout starts new ones). */
    public synchronized int started() {
        return podsStarted;
    }

    /** Wake-ups the Service found no ready pod for. */
    public synchronized long droppedWakes(String service) {
        Proxied p = services.get(service);
        return p == null ? 0 : p.proxy.dropped();
    }

    /** A Service as kube-proxy serves it here: its selector and the proxy on its address. */
    private record Proxied(Map<String, String> selector, int port, ServiceProxy proxy) {
        boolean selects(Pod pod) {
            return pod.labels.entrySet().containsAll(selector.entrySet());
        }
    }

    /**
     * A Service's address here: the pool address for the wake Service (what the tenants' triggers target),
     * 127.&lt;last byte&gt;.255.n for the others. Fixed by name, so a pod told a Service's name before the Service
     * exists reaches it once it does.
     */
    private InetAddress serviceAddress(String name) {
        if (name.endsWith("-wake")) {
            return serviceAddress;
        }
        return serviceAddresses.computeIfAbsent(name, n -> {
            byte[] base = serviceAddress.getAddress();
            try {
                return InetAddress.getByAddress(new byte[] {127, base[base.length - 1], (byte) 255,
                        (byte) (1 + serviceAddresses.size())});
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    private synchronized void serviceChanged(Service service) {
        String name = service.getMetadata().getName();
        Map<String, String> selector = service.getSpec().getSelector() == null ? Map.of()
                : service.getSpec().getSelector();
        int port = service.getSpec().getPorts().get(0).getPort();
        Proxied current = services.get(name);
        if (current != null && current.selector().equals(selector) && current.port() == port) {
            return;
        }
        if (current != null) {
            current.proxy().close();
        }
        try {
            Proxied next = new Proxied(Map.copyOf(selector), port, new ServiceProxy(serviceAddress(name), port));
            services.put(name, next);
            deployments.values().forEach(r -> r.pods.stream().filter(p -> p.ready && next.selects(p))
                    .forEach(p -> next.proxy().add(p.endpoint())));
        } catch (IOException e) {
            LOG.warnf(e, "Service %s: cannot listen on %s:%d", name, serviceAddress(name), port);
        }
    }

    private synchronized void serviceRemoved(Service service) {
        Proxied p = services.remove(service.getMetadata().getName());
        if (p != null) {
            p.proxy().close();
        }
    }

    /** Ready: the pod joins every Service that selects it. */
    private void joinServices(Pod pod) {
        pod.ready = true;
        services.values().stream().filter(s -> s.selects(pod)).forEach(s -> s.proxy().add(pod.endpoint()));
    }

    private void leaveServices(Pod pod) {
        pod.ready = false;
        services.values().forEach(s -> s.proxy().remove(pod.endpoint()));
    }

    private synchronized void sync(Deployment d) {
        String name = d.getMetadata().getName();
        ReplicaSet r = deployments.computeIfAbsent(name, n -> new ReplicaSet());
        try {
            r.sync(d);
        } catch (IOException | RuntimeException e) {
            // A pod that cannot start stays missing, as a crash-looping one would.
            LOG.warnf(e, "Deployment %s: %s", name, e.getMessage());
        }
        report(d, r);
    }

    private synchronized void removed(Deployment d) {
        ReplicaSet r = deployments.remove(d.getMetadata().getName());
        if (r != null) {
            r.close();
        }
    }

    /** The pods of one Deployment. */
    private final class ReplicaSet implements AutoCloseable {

        final List<Pod> pods = new ArrayList<>();
        int wanted;

        void sync(Deployment d) throws IOException {
            wanted = d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
            String template = templateHash(d);
            LOG.debugf("Deployment %s: %d wanted, template %s, running %s", d.getMetadata().getName(), wanted,
                    template, pods.stream().map(p -> p.name).toList());
            // Roll: one new pod in (surge), ready and in the Service, before one old pod leaves.
            while (pods.stream().anyMatch(p -> !p.template.equals(template))) {
                if (current(template) < wanted) {
                    startReady(d, template);
                }
                Pod old = pods.stream().filter(p -> !p.template.equals(template)).findFirst().orElseThrow();
                stop(old);
            }
            while (current(template) < wanted) {
                startReady(d, template);
            }
            while (pods.size() > wanted) {
                stop(pods.get(pods.size() - 1));
            }
        }

        private long current(String template) {
            return pods.stream().filter(p -> p.template.equals(template)).count();
        }

        private void startReady(Deployment d, String template) throws IOException {
            podsStarted++;
            Pod pod = new Pod(d, template, podAddress(podsStarted));
            pods.add(pod);
            long deadline = System.currentTimeMillis() + READY_WAIT_MILLIS;
            while (!pod.worker.ready()) {
                if (System.currentTimeMillis() > deadline) {
                    throw new IOException("pod " + pod.name + " not ready after " + READY_WAIT_MILLIS + " ms");
                }
                sleep(10);
            }
            joinServices(pod);
        }

        /** Out of the Service first, then SIGTERM: the worker drains with no new wake-ups coming in. */
        private void stop(Pod pod) {
            leaveServices(pod);
            pods.remove(pod);
            pod.close();
        }

        @Override
        public void close() {
            List.copyOf(pods).forEach(this::stop);
        }
    }

    private InetAddress podAddress(int n) {
        byte[] service = serviceAddress.getAddress();
        try {
            return InetAddress.getByAddress(new byte[] {127, service[service.length - 1], (byte) (n / 250),
                    (byte) (1 + n % 250)});
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        }
    }

    private synchronized void secretChanged(Secret secret) {
        deployments.values().forEach(r -> r.pods.forEach(p -> p.secretChanged(secret)));
    }

    /** Writes what the Deployment controller would, only when it changed (each write is a new watch event). */
    private void report(Deployment d, ReplicaSet r) {
        int wanted = r.wanted;
        int running = r.pods.size();
        int ready = (int) r.pods.stream().filter(p -> p.ready).count();
        boolean available = ready >= wanted;
        DeploymentStatus next = new DeploymentStatusBuilder()
                .withObservedGeneration(d.getMetadata().getGeneration())
                .withReplicas(running).withUpdatedReplicas(running).withReadyReplicas(ready)
                .withAvailableReplicas(ready).withUnavailableReplicas(wanted > ready ? wanted - ready : null)
                .withConditions(condition("Available", available,
                                available ? "MinimumReplicasAvailable" : "MinimumReplicasUnavailable",
                                ready + " of " + wanted + " replicas available"),
                        condition("Progressing", true, "NewReplicaSetAvailable", "pod template is running"))
                .build();
        if (sameStatus(d.getStatus(), next)) {
            return;
        }
        try {
            client.apps().deployments().inNamespace(namespace).withName(d.getMetadata().getName()).editStatus(x -> {
                x.setStatus(next);
                return x;
            });
        } catch (KubernetesClientException e) {
            // Deleted meanwhile, or a conflict: the next watch event brings the Deployment again.
            LOG.debugf("status of Deployment %s not written: %s", d.getMetadata().getName(), e.getMessage());
        }
    }

    private static DeploymentCondition condition(String type, boolean ok, String reason, String message) {
        String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        return new DeploymentConditionBuilder().withType(type).withStatus(ok ? "True" : "False").withReason(reason)
                .withMessage(message).withLastUpdateTime(now).withLastTransitionTime(now).build();
    }

    private static boolean sameStatus(DeploymentStatus a, DeploymentStatus b) {
        return a != null
                && Objects.equals(a.getObservedGeneration(), b.getObservedGeneration())
                && Objects.equals(a.getReplicas(), b.getReplicas())
                && Objects.equals(a.getReadyReplicas(), b.getReadyReplicas())
                && Objects.equals(a.getAvailableReplicas(), b.getAvailableReplicas())
                && Objects.equals(conditionStates(a), conditionStates(b));
    }

    private static List<String> conditionStates(DeploymentStatus s) {
        return s.getConditions() == null ? List.of() : s.getConditions().stream()
                .map(c -> c.getType() + "=" + c.getStatus() + "/" + c.getReason()).sorted().toList();
    }

    private String templateHash(Deployment d) {
        return Integer.toHexString(client.getKubernetesSerialization().asJson(d.getSpec().getTemplate()).hashCode());
    }

    @Override
    public synchronized void close() {
        informers.forEach(SharedIndexInformer::close);
        deployments.values().forEach(ReplicaSet::close);
        deployments.clear();
        services.values().forEach(p -> p.proxy().close());
        services.clear();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            LOG.debugf("could not delete %s: %s", root, e.getMessage());
        }
    }

    private static <T> ResourceEventHandler<T> handler(Consumer<T> upsert, Consumer<T> delete) {
        return new ResourceEventHandler<>() {
            @Override
            public void onAdd(T obj) {
                upsert.accept(obj);
            }

            @Override
            public void onUpdate(T oldObj, T newObj) {
                upsert.accept(newObj);
            }

            @Override
            public void onDelete(T obj, boolean deletedFinalStateUnknown) {
                delete.accept(obj);
            }
        };
    }

    /** One running pod: its Secret volumes on disk and its worker. */
    private final class Pod implements AutoCloseable {

        final String template;
        final String name;
        final InetAddress address;
        final Map<String, String> labels;
        /** In the Services that select it (FakeKubelet's lock). */
        boolean ready;
        final Path dir;
        /** Volume name to the Secret it shows. */
        final Map<String, String> secretVolumes = new LinkedHashMap<>();
        final PodProcess worker;
        /** The Pod object published for this worker, or null. */
        final String podName;

        Pod(Deployment d, String template, InetAddress address) throws IOException {
            this.template = template;
            this.address = address;
            this.labels = Map.copyOf(d.getSpec().getTemplate().getMetadata().getLabels());
            this.name = d.getMetadata().getName() + "-" + template + "-" + podsStarted;
            this.dir = Files.createDirectories(root.resolve(name));
            var spec = d.getSpec().getTemplate().getSpec();
            Container container = spec.getContainers().get(0);
            for (Volume v : spec.getVolumes()) {
                Files.createDirectories(dir.resolve(v.getName()));
                if (v.getSecret() != null) {
                    secretVolumes.put(v.getName(), v.getSecret().getSecretName());
                    Secret s = client.secrets().inNamespace(namespace).withName(v.getSecret().getSecretName()).get();
                    if (s != null) {
                        write(v.getName(), s);
                    }
                }
            }
            Map<String, String> env = new LinkedHashMap<>();
            for (EnvVar e : container.getEnv()) {
                env.put(e.getName(), serviceHost(hostPath(container, value(e, name))));
            }
            // The relay role runs the relay; every other pod a worker or a pool's receiver, with its own client to
            // the API server, as a pod's service account token would give it.
            worker = container.getArgs() != null && container.getArgs().contains(WakeqMain.RELAY)
                    ? ContainerRelay.start(env) : ContainerWorker.start(env, address, handlers,
                    () -> new KubernetesClientBuilder().withConfig(client.getConfiguration()).build());
            podName = publish(d, name, container);
        }

        /**
         * Creates the Pod object a kubelet would report, so the operator finds the worker by its labels and asks
         * for its report: the pod address, Running and Ready, and the metrics port this worker really got.
         */
        private String publish(Deployment d, String name, Container container) {
            io.fabric8.kubernetes.api.model.Pod pod = new PodBuilder()
                    .withNewMetadata().withName(name).withNamespace(namespace)
                    .withLabels(d.getSpec().getTemplate().getMetadata().getLabels()).endMetadata()
                    .withNewSpec().withAutomountServiceAccountToken(false)
                    .addNewContainer().withName(container.getName()).withImage(container.getImage())
                    .addNewPort().withName(WorkerDeploymentDependent.METRICS_PORT_NAME)
                    .withContainerPort(worker.httpPort()).withProtocol("TCP").endPort()
                    .endContainer().endSpec().build();
            try {
                client.pods().inNamespace(namespace).resource(pod).create();
                client.pods().inNamespace(namespace).withName(name).editStatus(p -> {
                    p.setStatus(new PodStatusBuilder().withPhase("Running").withPodIP(address.getHostAddress())
                            .addNewCondition().withType("Ready").withStatus("True").endCondition().build());
                    return p;
                });
                return name;
            } catch (KubernetesClientException e) {
                // The worker runs all the same; only the operator's view of it (reports) is missing.
                LOG.warnf("Pod object %s not created: %s", name, e.getMessage());
                return null;
            }
        }

        InetSocketAddress endpoint() {
            return new InetSocketAddress(address, worker.port());
        }

        void secretChanged(Secret secret) {
            for (Map.Entry<String, String> v : secretVolumes.entrySet()) {
                if (v.getValue().equals(secret.getMetadata().getName())) {
                    try {
                        long seen = worker.configChangesSeen();
                        if (write(v.getKey(), secret)) {
                            awaitReload(seen);
                        }
                    } catch (IOException e) {
                        LOG.warnf(e, "could not write Secret %s into the pod", secret.getMetadata().getName());
                    }
                }
            }
        }

        /** Writes each key of the Secret into the volume (new file, then rename, as atomic as the kubelet's swap). */
        private boolean write(String volume, Secret secret) throws IOException {
            boolean changed = false;
            Map<String, String> data = secret.getData() == null ? Map.of() : secret.getData();
            for (Map.Entry<String, String> e : data.entrySet()) {
                Path target = dir.resolve(volume).resolve(e.getKey());
                byte[] content = Base64.getDecoder().decode(e.getValue());
                if (Files.exists(target) && Arrays.equals(Files.readAllBytes(target), content)) {
                    continue;
                }
                Path tmp = Files.createTempFile(dir.resolve(volume), ".." + e.getKey(), ".tmp");
                Files.write(tmp, content);
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                changed = true;
            }
            return changed;
        }

        private void awaitReload(long seenBefore) {
            long deadline = System.currentTimeMillis() + RELOAD_WAIT_MILLIS;
            while (worker.configChangesSeen() <= seenBefore) {
                if (System.currentTimeMillis() > deadline) {
                    LOG.warnf("worker in %s did not pick up its new tenants file in %d ms", dir, RELOAD_WAIT_MILLIS);
                    return;
                }
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }

        /** Whether this pod's worker has applied the current version of the shard that lists the tenant. */
        boolean knows(String tenantName) {
            String shard = TenantShards.secretName(labels.get(PoolNames.POOL_LABEL), TenantShards.of(tenantName));
            Secret s = client.secrets().inNamespace(namespace).withName(shard).get();
            if (s == null || s.getData() == null || s.getData().get(WorkerDeploymentDependent.TENANTS_KEY) == null
                    || TenantsFile.parse(Base64.getDecoder().decode(s.getData().get(
                            WorkerDeploymentDependent.TENANTS_KEY))).find(tenantName).isEmpty()) {
                return false;
            }
            return worker instanceof ContainerWorker w
                    && s.getMetadata().getResourceVersion().equals(w.appliedShards().get(shard));
        }

        private String value(EnvVar e, String podName) {
            if (e.getValueFrom() == null) {
                return e.getValue();
            }
            String field = e.getValueFrom().getFieldRef() == null ? null : e.getValueFrom().getFieldRef().getFieldPath();
            if ("metadata.name".equals(field)) {
                return podName;
            }
            if ("metadata.namespace".equals(field)) {
                return namespace;
            }
            throw new IllegalArgumentException("env " + e.getName() + ": only metadata.name/namespace are resolved here");
        }

        /** A Service's cluster DNS name becomes its address here (no cluster DNS either). */
        private String serviceHost(String value) {
            String suffix = "." + namespace + ".svc";
            if (value != null && value.endsWith(suffix)) {
                return serviceAddress(value.substring(0, value.length() - suffix.length())).getHostAddress();
            }
            return value;
        }

        /** A path inside a volume mount becomes the volume's directory here (no mount namespace in-process). */
        private String hostPath(Container container, String value) {
            if (value == null) {
                return null;
            }
            for (VolumeMount m : container.getVolumeMounts()) {
                String prefix = m.getMountPath().endsWith("/") ? m.getMountPath() : m.getMountPath() + "/";
                if (value.startsWith(prefix)) {
                    return dir.resolve(m.getName()).resolve(value.substring(prefix.length())).toString();
                }
            }
            return value;
        }

        @Override
        public void close() {
            if (podName != null) {
                try {
                    client.pods().inNamespace(namespace).withName(podName).withGracePeriod(0).delete();
                } catch (KubernetesClientException e) {
                    LOG.debugf("Pod object %s not deleted: %s", podName, e.getMessage());
                }
            }
            worker.close();
        }
    }
}
