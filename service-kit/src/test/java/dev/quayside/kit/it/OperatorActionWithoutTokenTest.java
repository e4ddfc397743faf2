package dev.quayside.kit.it;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;

import dev.quayside.devstack.kafka.KafkaBrokerResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** With no operator token configured, operator endpoints are refused with a message saying how to set one. */
@QuarkusTest
@TestProfile(OperatorActionWithoutTokenTest.NoToken.class)
@QuarkusTestResource(value = KafkaBrokerResource.class, restrictToAnnotatedClass = false)
class OperatorActionWithoutTokenTest {

    public static class NoToken implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quayside.operator.token", "");
        }
    }

    @Test
    void everyCallIs403SayingHowToSetAToken() {
        given().header("Authorization", "Bearer anything").post("/test-ops/sync").then().statusCode(403)
                .body(containsString("quayside.operator.token"));
        given().post("/test-ops/sync").then().statusCode(403);
        given().get("/test-ops/open").then().statusCode(200);
    }
}
