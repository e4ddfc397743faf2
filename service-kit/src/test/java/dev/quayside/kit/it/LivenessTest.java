package dev.quayside.kit.it;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import dev.quayside.devstack.kafka.KafkaBrokerResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/** The process liveness check is on {@code /q/health/live} and answers UP in a healthy JVM. */
@QuarkusTest
@QuarkusTestResource(value = KafkaBrokerResource.class, restrictToAnnotatedClass = false)
class LivenessTest {

    @Test
    void theProcessIsLive() {
        given().get("/q/health/live").then().statusCode(200)
                .body("checks.find { it.name == 'process' }.status", equalTo("UP"));
    }
}
