package dev.quayside.devstack.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Quarkus test resource's init args. */
class LocalRegistryResourceTest {

    @Test
    void aRegistryWithoutTheDockerEngineCheckAnswersOnTheAddressItSets() throws Exception {
        LocalRegistryResource resource = new LocalRegistryResource();
        resource.init(Map.of(LocalRegistryResource.REQUIRE_DOCKER_ENGINE, "false"));
        try {
            String address = resource.start().get("quayside.registry.address");
            assertThat(address).startsWith("127.0.0.1:");
            HttpResponse<Void> answer = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create("http://" + address + "/v2/")).build(),
                    HttpResponse.BodyHandlers.discarding());
            assertThat(answer.statusCode()).isEqualTo(200);
        } finally {
            resource.stop();
        }
    }

    @Test
    void anInitArgThatIsNeitherTrueNorFalseIsRefusedSayingWhich() {
        LocalRegistryResource resource = new LocalRegistryResource();
        assertThatThrownBy(() -> resource.init(Map.of(LocalRegistryResource.REQUIRE_DOCKER_ENGINE, "no")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(LocalRegistryResource.REQUIRE_DOCKER_ENGINE).hasMessageContaining("'no'");
    }
}
