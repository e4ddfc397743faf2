package dev.quayside.imagebuilder.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quayside.devstack.kafka.KafkaBrokerResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The registry password has a file form (issue #18, secrets): {@code quayside.registry.password=${file::<path>}}
 * (the kit's SmallRye secret-keys handler) is the file's content, without its trailing line break, in the push's
 * credentials and the manifest look-ups' Basic auth.
 */
@QuarkusTest
@TestProfile(RegistryPasswordFromFileTest.PasswordInAFile.class)
@QuarkusTestResource(value = KafkaBrokerResource.class, restrictToAnnotatedClass = false)
class RegistryPasswordFromFileTest {

    /** The same value in every class loader of the test run (the profile and the test class may be loaded twice). */
    static final String PASSWORD = (String) System.getProperties().computeIfAbsent(
            "image-builder.registry-password-test.password", k -> "pw-" + UUID.randomUUID());

    /** A user, and the password only as a file. */
    public static class PasswordInAFile implements QuarkusTestProfile {

        @Override
        public Map<String, String> getConfigOverrides() {
            try {
                Path file = Files.createTempFile("registry-password-", "");
                file.toFile().deleteOnExit();
                Files.writeString(file, PASSWORD + "\n");
                return Map.of("quayside.registry.username", "pusher",
                        "quayside.registry.password", "${file::" + file + "}");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    @Inject
    DockerCredentials credentials;

    @Test
    void thePasswordIsReadFromTheFile() {
        assertThat(credentials.forRegistry("127.0.0.1:5000"))
                .contains(new DockerCredentials.Credentials("pusher", PASSWORD));
        assertThat(credentials.authConfig("127.0.0.1:5000").getPassword()).isEqualTo(PASSWORD);
    }
}
