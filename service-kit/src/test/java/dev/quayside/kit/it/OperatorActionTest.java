package dev.quayside.kit.it;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;

import dev.quayside.devstack.kafka.KafkaBrokerResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@code @OperatorAction}: 401 without the token, 429 beyond the concurrency bound, 200 with the token. */
@QuarkusTest
@QuarkusTestResource(value = KafkaBrokerResource.class, restrictToAnnotatedClass = false)
class OperatorActionTest {

    static final String TOKEN = "test-operator-token";

    @Test
    void withoutOrWithAWrongTokenTheAnswerIs401WithAChallenge() {
        given().post("/test-ops/sync").then().statusCode(401)
                .header("WWW-Authenticate", containsString("Bearer"));
        given().header("Authorization", "Bearer wrong").post("/test-ops/sync").then().statusCode(401)
                .header("WWW-Authenticate", containsString("Bearer"));
        given().header("Authorization", "Basic " + TOKEN).post("/test-ops/sync").then().statusCode(401);
        given().get("/test-ops/open").then().statusCode(200);
    }

    @Test
    void withTheTokenTheCallIsServedAndBeyondTheBoundRefusedWithRetryAfter() throws Exception {
        OperatorTestResource.gate = new CompletableFuture<>();
        OperatorTestResource.entered = new CompletableFuture<>();
        CompletableFuture<Response> first = CompletableFuture.supplyAsync(() -> given()
                .header("Authorization", "Bearer " + TOKEN).post("/test-ops/sync"));
        OperatorTestResource.entered.get(30, TimeUnit.SECONDS);

        Response second = given().header("Authorization", "Bearer " + TOKEN).post("/test-ops/sync");
        assertThat(second.statusCode()).isEqualTo(429);
        assertThat(second.header("Retry-After")).isEqualTo("7");

        OperatorTestResource.gate.complete(null);
        Response done = first.get(30, TimeUnit.SECONDS);
        assertThat(done.statusCode()).isEqualTo(200);
        assertThat(done.body().asString()).isEqualTo("synced");

        // the slot was given back
        given().header("Authorization", "Bearer " + TOKEN).post("/test-ops/sync").then().statusCode(200);
    }
}
