package dev.wakeq.helm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.StreamSupport;

import org.junit.jupiter.api.Test;

/** templates/rbac.yaml (and the shared rules in _helpers.tpl): least privilege, both scopes. */
class RbacTemplateTest {

    private static final String CLUSTER_NAME = Chart.NAMESPACE + "-" + Chart.FULLNAME;
    private static final List<String> OWN = List.of("get", "list", "watch", "create", "update", "patch", "delete");

    @Test
    void clusterScopeGrantsTheRulesClusterWide() {
        Chart.Rendered rendered = Chart.render();

        JsonNode role = rendered.get("ClusterRole", CLUSTER_NAME);
        assertOperatorRules(role.path("rules"));
        JsonNode binding = rendered.get("ClusterRoleBinding", CLUSTER_NAME);
        assertThat(binding.path("roleRef").path("kind").asText()).isEqualTo("ClusterRole");
        assertThat(binding.path("roleRef").path("name").asText()).isEqualTo(CLUSTER_NAME);
        assertBoundTo(binding, Chart.FULLNAME);
        // The only namespaced Role is the leader-election one.
        assertThat(rendered.ofKind("Role")).extracting(r -> r.path("metadata").path("name").asText())
                .containsExactly(Chart.FULLNAME + "-leader-election");
    }

    @Test
    void namespaceScopeGrantsTheRulesInTheReleaseNamespaceOnly() {
        Chart.Rendered rendered = Chart.render(Map.of("rbac", Map.of("scope", "namespace")));

        JsonNode role = rendered.get("Role", Chart.FULLNAME);
        assertThat(role.path("metadata").path("namespace").asText()).isEqualTo(Chart.NAMESPACE);
        assertOperatorRules(role.path("rules"));
        JsonNode binding = rendered.get("RoleBinding", Chart.FULLNAME);
        assertThat(binding.path("roleRef").path("kind").asText()).isEqualTo("Role");
        assertBoundTo(binding, Chart.FULLNAME);
        // Cluster-wide: only reading the CRDs.
        assertThat(rendered.ofKind("ClusterRole")).extracting(r -> r.path("metadata").path("name").asText())
                .containsExactly(CLUSTER_NAME + "-crd-reader");
        assertThat(rendered.ofKind("ClusterRoleBinding")).extracting(r -> r.path("metadata").path("name").asText())
                .containsExactly(CLUSTER_NAME + "-crd-reader");
    }

    @Test
    void namespaceScopeWithAListGrantsInEachWatchedNamespace() {
        Chart.Rendered rendered = Chart.render(Map.of(
                "rbac", Map.of("scope", "namespace"),
                "watchNamespaces", List.of("team-a", "team-b")));

        List<JsonNode> roles = rendered.ofKind("Role").stream()
                .filter(r -> r.path("metadata").path("name").asText().equals(Chart.FULLNAME)).toList();
        assertThat(roles).extracting(r -> r.path("metadata").path("namespace").asText())
                .containsExactly("team-a", "team-b");
        roles.forEach(r -> assertOperatorRules(r.path("rules")));
        List<JsonNode> bindings = rendered.ofKind("RoleBinding").stream()
                .filter(r -> r.path("metadata").path("name").asText().equals(Chart.FULLNAME)).toList();
        assertThat(bindings).extracting(r -> r.path("metadata").path("namespace").asText())
                .containsExactly("team-a", "team-b");
        // The ServiceAccount stays in the release namespace.
        bindings.forEach(b -> assertBoundTo(b, Chart.FULLNAME));
    }

    @Test
    void crdReadAndLeaderElectionInBothScopes() {
        for (String scope : List.of("cluster", "namespace")) {
            Chart.Rendered rendered = Chart.render(Map.of("rbac", Map.of("scope", scope)));

            JsonNode crdRules = rendered.get("ClusterRole", CLUSTER_NAME + "-crd-reader").path("rules");
            assertThat(crdRules).hasSize(1);
            assertThat(texts(crdRules.get(0).path("apiGroups"))).containsExactly("apiextensions.k8s.io");
            assertThat(texts(crdRules.get(0).path("resources"))).containsExactly("customresourcedefinitions");
            assertThat(texts(crdRules.get(0).path("verbs"))).containsExactly("get", "list");
            assertBoundTo(rendered.get("ClusterRoleBinding", CLUSTER_NAME + "-crd-reader"), Chart.FULLNAME);

            JsonNode lease = rendered.get("Role", Chart.FULLNAME + "-leader-election");
            assertThat(lease.path("metadata").path("namespace").asText()).isEqualTo(Chart.NAMESPACE);
            assertThat(texts(lease.path("rules").get(0).path("apiGroups"))).containsExactly("coordination.k8s.io");
            assertThat(texts(lease.path("rules").get(0).path("resources"))).containsExactly("leases");
            assertThat(texts(lease.path("rules").get(0).path("verbs"))).containsExactly("get", "create", "update", "patch");
            assertBoundTo(rendered.get("RoleBinding", Chart.FULLNAME + "-leader-election"), Chart.FULLNAME);
        }
    }

    @Test
    void noWildcardsAndNothingBeyondTheListedResources() {
        Chart.Rendered rendered = Chart.render();
        List<JsonNode> rules = new ArrayList<>();
        for (String kind : List.of("ClusterRole", "Role")) {
            rendered.ofKind(kind).forEach(r -> r.path("rules").forEach(rules::add));
        }

        Set<String> allowed = Set.of("queuetenants", "workerpools", "queuetenants/status", "workerpools/status",
                "queuetenants/finalizers", "workerpools/finalizers", "workerpools/scale", "secrets", "services",
                "events", "deployments", "poddisruptionbudgets", "leases", "customresourcedefinitions", "pods",
                "serviceaccounts", "roles", "rolebindings");
        assertThat(rules).allSatisfy(rule -> {
            assertThat(texts(rule.path("verbs"))).doesNotContain("*");
            assertThat(texts(rule.path("resources"))).doesNotContain("*").isSubsetOf(allowed);
            assertThat(texts(rule.path("apiGroups"))).doesNotContain("*");
        });
    }

    /** Every rule in the rendered output carries a comment saying why it exists. */
    @Test
    void everyRuleIsCommented() {
        String[] lines = Chart.render(Map.of("rbac", Map.of("scope", "namespace"))).text().split("\n");
        int rules = 0;
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].trim().startsWith("- apiGroups:")) {
                rules++;
                assertThat(lines[i - 1].trim()).as("comment above rule at line %d: %s", i + 1, lines[i]).startsWith("#");
            }
        }
        assertThat(rules).as("12 operator rules, the CRD reader, the Lease").isEqualTo(14);
    }

    @Test
    void rbacCreateFalseRendersNoRbac() {
        Chart.Rendered rendered = Chart.render(Map.of("rbac", Map.of("create", false)));

        assertThat(rendered.kinds()).doesNotContain("ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding")
                .contains("Deployment", "ServiceAccount");
    }

    private static void assertOperatorRules(JsonNode rules) {
        assertGrants(rules, "wakeq.dev", "queuetenants", "get", "list", "watch", "patch", "update");
        assertGrants(rules, "wakeq.dev", "workerpools", "get", "list", "watch", "patch", "update");
        assertGrants(rules, "wakeq.dev", "queuetenants/status", "patch", "update");
        assertGrants(rules, "wakeq.dev", "workerpools/status", "patch", "update");
        assertGrants(rules, "wakeq.dev", "queuetenants/finalizers", "update");
        assertGrants(rules, "wakeq.dev", "workerpools/finalizers", "update");
        assertGrants(rules, "wakeq.dev", "workerpools/scale", "get", "patch", "update");
        assertGrants(rules, "", "secrets", OWN.toArray(String[]::new));
        assertGrants(rules, "", "services", OWN.toArray(String[]::new));
        assertGrants(rules, "", "events", "create", "patch");
        assertGrants(rules, "apps", "deployments", OWN.toArray(String[]::new));
        assertGrants(rules, "policy", "poddisruptionbudgets", OWN.toArray(String[]::new));
        // Each pool's worker identity, and the Role that lets it read that pool's tenants shards (issue 15).
        assertGrants(rules, "", "serviceaccounts", OWN.toArray(String[]::new));
        assertGrants(rules, "rbac.authorization.k8s.io", "roles", OWN.toArray(String[]::new));
        assertGrants(rules, "rbac.authorization.k8s.io", "rolebindings", OWN.toArray(String[]::new));
        // What the operator grants, it must hold itself.
        assertGrants(rules, "", "secrets", "get", "list", "watch");
        // Not more than needed: events are only written; worker pods are only read, to find their reports.
        assertThat(verbsFor(rules, "", "events")).containsExactlyInAnyOrder("create", "patch");
        assertThat(verbsFor(rules, "", "pods")).containsExactlyInAnyOrder("get", "list");
    }

    private static void assertGrants(JsonNode rules, String group, String resource, String... verbs) {
        assertThat(verbsFor(rules, group, resource)).as("%s/%s", group, resource).contains(verbs);
    }

    private static List<String> verbsFor(JsonNode rules, String group, String resource) {
        List<String> verbs = new ArrayList<>();
        for (JsonNode rule : rules) {
            if (texts(rule.path("apiGroups")).contains(group) && texts(rule.path("resources")).contains(resource)) {
                verbs.addAll(texts(rule.path("verbs")));
            }
        }
        return verbs;
    }

    private static void assertBoundTo(JsonNode binding, String serviceAccount) {
        JsonNode subject = binding.path("subjects").get(0);
        assertThat(binding.path("subjects")).hasSize(1);
        assertThat(subject.path("kind").asText()).isEqualTo("ServiceAccount");
        assertThat(subject.path("name").asText()).isEqualTo(serviceAccount);
        assertThat(subject.path("namespace").asText()).isEqualTo(Chart.NAMESPACE);
    }

    static List<String> texts(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList();
    }
}
