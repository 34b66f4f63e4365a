package dev.wakeq.helm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** templates/serviceaccount.yaml and the serviceAccountName helper, as the Deployment and bindings use it. */
class ServiceAccountTemplateTest {

    @Test
    void createdByDefaultWithTheFullname() {
        Chart.Rendered rendered = Chart.render(Map.of(
                "serviceAccount", Map.of("annotations", Map.of("eks.amazonaws.com/role-arn", "arn:aws:iam::1:role/wakeq"))));
        JsonNode account = rendered.one("ServiceAccount");

        assertThat(account.path("metadata").path("name").asText()).isEqualTo(Chart.FULLNAME);
        assertThat(account.path("metadata").path("namespace").asText()).isEqualTo(Chart.NAMESPACE);
        assertThat(account.path("metadata").path("annotations").path("eks.amazonaws.com/role-arn").asText())
                .isEqualTo("arn:aws:iam::1:role/wakeq");
        assertThat(rendered.podSpec().path("serviceAccountName").asText()).isEqualTo(Chart.FULLNAME);
    }

    @Test
    void createdWithAGivenName() {
        Chart.Rendered rendered = Chart.render(Map.of("serviceAccount", Map.of("name", "wakeq-operator")));

        assertThat(rendered.one("ServiceAccount").path("metadata").path("name").asText()).isEqualTo("wakeq-operator");
        assertThat(rendered.podSpec().path("serviceAccountName").asText()).isEqualTo("wakeq-operator");
    }

    @Test
    void notCreatedUsesTheExistingOneEverywhere() {
        Chart.Rendered rendered = Chart.render(Map.of("serviceAccount", Map.of("create", false, "name", "ops-sa")));

        assertThat(rendered.ofKind("ServiceAccount")).isEmpty();
        assertThat(rendered.podSpec().path("serviceAccountName").asText()).isEqualTo("ops-sa");
        for (String kind : List.of("ClusterRoleBinding", "RoleBinding")) {
            assertThat(rendered.ofKind(kind)).isNotEmpty().allSatisfy(binding ->
                    assertThat(binding.path("subjects").get(0).path("name").asText()).isEqualTo("ops-sa"));
        }
    }

    @Test
    void notCreatedAndUnnamedMeansTheDefaultAccount() {
        Chart.Rendered rendered = Chart.render(Map.of("serviceAccount", Map.of("create", false)));

        assertThat(rendered.ofKind("ServiceAccount")).isEmpty();
        assertThat(rendered.podSpec().path("serviceAccountName").asText()).isEqualTo("default");
    }
}
