package dev.outboxcdc.relay.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.outboxcdc.envelope.QueueType;
import dev.outboxcdc.relay.ShippedJvmOptions;
import java.io.Reader;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/** The Kubernetes manifests set properties the relay binds, and give SIGTERM the time the relay needs. */
class KubernetesManifestTest {

    private final List<Map<String, Object>> documents = read();

    @Test
    void everyVariableOfTheManifestBindsToTheRelaysConfiguration() {
        Map<String, String> variables = new HashMap<>();
        for (Object entry : list(path(document("Deployment"), "spec", "template", "spec", "containers", 0, "env"))) {
            Map<?, ?> variable = (Map<?, ?>) entry;
            variables.put((String) variable.get("name"), (String) variable.get("value"));
        }
        Map<?, ?> secret = (Map<?, ?>) document("Secret").get("stringData");
        secret.forEach((name, value) -> variables.put((String) name, (String) value));

        OutboxProperties config = OutboxPropertiesTest.bindEnvironment(variables);

        assertThat(config.rabbitmq().addressList()).hasSize(3);
        assertThat(config.queueTypeValue()).isEqualTo(QueueType.QUORUM);
        assertThat(config.db().host()).isEqualTo(variables.get("OUTBOX_DB_HOST"));
        assertThat(config.db().sslmode()).isEqualTo("verify-full");
    }

    @Test
    void aStopHasMoreTimeThanTheRelaysShutdownTimeoutAndNeverBothRelaysAreGone() {
        OutboxProperties defaults = OutboxPropertiesTest.bindEnvironment(Map.of());
        Object grace = path(document("Deployment"), "spec", "template", "spec", "terminationGracePeriodSeconds");

        assertThat(((Number) grace).longValue())
                .isGreaterThan(defaults.shutdownTimeout().toSeconds());
        assertThat(path(document("PodDisruptionBudget"), "spec", "maxUnavailable"))
                .isEqualTo(1);
        assertThat(path(document("Deployment"), "spec", "replicas")).isEqualTo(2);
    }

    private Map<String, Object> document(String kind) {
        return documents.stream()
                .filter(d -> kind.equals(d.get("kind")))
                .findFirst()
                .orElseThrow();
    }

    private static Object path(Object node, Object... steps) {
        Object current = node;
        for (Object step : steps) {
            current = step instanceof Integer index ? list(current).get(index) : ((Map<?, ?>) current).get(step);
        }
        return current;
    }

    private static List<?> list(Object node) {
        return (List<?>) node;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> read() {
        List<Map<String, Object>> all = new ArrayList<>();
        try (Reader reader = Files.newBufferedReader(
                ShippedJvmOptions.repositoryRoot().resolve("docker/kubernetes/cdc-relay.yaml"))) {
            new Yaml().loadAll(reader).forEach(document -> all.add((Map<String, Object>) document));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        return all;
    }
}
