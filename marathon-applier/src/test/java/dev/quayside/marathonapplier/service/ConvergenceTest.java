package dev.quayside.marathonapplier.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class ConvergenceTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aRunningTaskWhoseCheckFailsIsNotConvergedAndOnlyThatCheckIsNamedWithItsLastFailure() throws Exception {
        JsonNode app = JSON.readTree("""
                {"id": "/staging/web", "instances": 1, "version": "2026-01-01T00:00:01.000Z",
                 "versionInfo": {"lastConfigChangeAt": "2026-01-01T00:00:01.000Z"},
                 "healthChecks": [{"protocol": "HTTP", "path": "/ready", "portIndex": 0},
                                  {"protocol": "COMMAND", "command": {"value": "true"}}],
                 "tasks": [{"state": "TASK_RUNNING", "version": "2026-01-01T00:00:01.000Z", "healthCheckResults": [
                     {"alive": false, "lastFailureCause": "HTTP 503 from http://127.0.0.1:31000/ready"},
                     {"alive": true}]}]}
                """);
        MarathonDeployer.Convergence convergence = MarathonDeployer.Convergence.of(app, "2026-01-01T00:00:01.000Z");
        assertThat(convergence.converged()).isFalse();
        assertThat(convergence.describe()).isEqualTo("1/1 tasks of the new version running, 0 healthy");
        assertThat(MarathonDeployer.Convergence.failingChecks(app)).isEqualTo(
                "health check HTTP /ready (port index 0) did not pass: HTTP 503 from http://127.0.0.1:31000/ready");
    }

    @Test
    void aCheckWithoutTasksLeftIsStillNamed() throws Exception {
        JsonNode app = JSON.readTree("""
                {"id": "/staging/web", "instances": 2, "healthChecks": [{"protocol": "TCP", "port": 8080}], "tasks": []}
                """);
        assertThat(MarathonDeployer.Convergence.failingChecks(app))
                .isEqualTo("health check TCP (port 8080) did not pass");
    }
}
