package dev.quayside.devstack.launcher.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** How the final-state reader names HAProxy's backends after the services edge-router renders them for. */
class FinalStateReaderTest {

    @Test
    void backendsAreNamedAfterTheServiceCommentOfEdgeRoutersTemplate() throws IOException {
        // the comment lines exactly as edge-router's shipped template writes them
        Path template = Path.of(System.getProperty("quayside.root", "../.."))
                .resolve("edge-router/src/main/resources/dev/quayside/edgerouter/haproxy.cfg.qute");
        assertThat(Files.readString(template, StandardCharsets.UTF_8)).contains("# service {route.service}\n");
        String config = String.join("\n",
                "frontend http_in",
                "    bind 127.0.0.1:8000",
                "# service chaos-app-00",
                "backend be_chaos-app-00",
                "    server a 127.0.0.1:31000 check inter 1s fall 2 rise 2",
                "# service redis",
                "listen tcp_redis",
                "    bind 127.0.0.1:6379",
                "# service older: a template before the comment lost its colon",
                "backend be_older",
                "");

        assertThat(FinalStateReader.servicesOfBackends(config)).containsExactly(
                java.util.Map.entry("be_chaos-app-00", "chaos-app-00"), java.util.Map.entry("tcp_redis", "redis"),
                java.util.Map.entry("be_older", "older"));
    }
}
