package dev.quayside.devstack.marathon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quayside.devstack.mesos.Http;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A real Marathon client, Debian's {@code python3-marathon} (python-marathon 0.13, installed by
 * {@code bin/quayside setup}), against the stand-in: {@code get_info()} (it needs {@code zookeeper_config}), and an
 * app it creates in Marathon 1.4's form read back in 1.5's.
 */
class PythonMarathonClientTest {

    /** Debian's interpreter: python3-marathon lives in its dist-packages, not in another python on the PATH. */
    static final Path PYTHON = Path.of("/usr/bin/python3");

    static final String SCRIPT = String.join("\n",
            "import json, sys",
            "from marathon import MarathonClient",
            "from marathon.models import MarathonApp",
            "from marathon.models.container import MarathonContainer, MarathonDockerContainer",
            "client = MarathonClient(sys.argv[1])",
            "info = client.get_info()",
            "docker = MarathonDockerContainer(image='quayside/web:1', network='BRIDGE',",
            "    port_mappings=[{'containerPort': 8080, 'hostPort': 0, 'protocol': 'tcp'}])",
            "client.create_app('/python/web', MarathonApp(instances=0, cpus=0.1, mem=32,",
            "    container=MarathonContainer(docker=docker)))",
            "app = client.get_app('/python/web')",
            "print(json.dumps({'name': info.name, 'elected': info.elected,",
            "    'features': info.marathon_config.features,",
            "    'zk_max_versions': info.zookeeper_config.zk_max_versions,",
            "    'http_port': info.http_config.http_port, 'app': app.id, 'networks': app.networks,",
            "    'container_port': app.container.port_mappings[0].container_port,",
            "    'apps': [a.id for a in client.list_apps()]}))");

    @RegisterExtension
    static MarathonStandInExtension marathon = new MarathonStandInExtension();

    @Test
    void debiansPythonMarathonClientReadsInfoAndApps() throws IOException, InterruptedException {
        assertThat(PYTHON).as("Debian's python3 (bin/quayside setup installs it with python3-marathon)")
                .isExecutable();
        Process python = new ProcessBuilder(PYTHON.toString(), "-c", SCRIPT, marathon.marathonUrl())
                .redirectErrorStream(true).start();
        assertThat(python.waitFor(60, TimeUnit.SECONDS)).as("python finished").isTrue();
        String out = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(python.exitValue()).as("python3-marathon against the stand-in (install it with bin/quayside "
                + "setup, or apt-get install python3-marathon):\n" + out).isZero();
        JsonObject result = new JsonObject(out.substring(out.lastIndexOf('\n') + 1));
        int port = Integer.parseInt(marathon.marathonUrl().substring(marathon.marathonUrl().lastIndexOf(':') + 1));
        assertThat(result.getString("name")).isEqualTo("marathon");
        assertThat(result.getBoolean("elected")).isTrue();
        assertThat(result.getJsonArray("features")).containsExactly("task_killing");
        assertThat(result.getInteger("zk_max_versions")).isEqualTo(50);
        assertThat(result.getInteger("http_port")).isEqualTo(port);
        assertThat(result.getString("app")).isEqualTo("/python/web");
        assertThat(result.getJsonArray("networks")).containsExactly(new JsonObject().put("mode", "container/bridge"));
        assertThat(result.getInteger("container_port")).isEqualTo(8080);
        assertThat(result.getJsonArray("apps")).containsExactly("/python/web");
        assertThat(Http.send("DELETE", marathon.marathonUrl() + "/v2/apps/python/web?force=true", null).status())
                .isEqualTo(200);
    }
}
