package dev.quayside.kit.it;

import static io.restassured.RestAssured.given;

import dev.quayside.devstack.kafka.KafkaBrokerResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A Quarkus service takes a secret from a file with {@code ${file::<path>}}: here the operator token. */
@QuarkusTest
@TestProfile(OperatorTokenFromFileTest.TokenInAFile.class)
@QuarkusTestResource(value = KafkaBrokerResource.class, restrictToAnnotatedClass = false)
class OperatorTokenFromFileTest {

    static final String TOKEN = "token-from-a-file";
    static final Path FILE = tokenFile();

    public static class TokenInAFile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quayside.operator.token", "${file::" + FILE + "}");
        }
    }

    @Test
    void theTokenInTheFileIsTheOneAccepted() {
        given().header("Authorization", "Bearer " + TOKEN).post("/test-ops/sync").then().statusCode(200);
        given().header("Authorization", "Bearer test-operator-token").post("/test-ops/sync").then().statusCode(401);
    }

    private static Path tokenFile() {
        try {
            Path file = Files.createTempFile("operator-token-", "");
            Files.writeString(file, TOKEN + "\n");
            file.toFile().deleteOnExit();
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
