package dev.quayside.devstack.marathon;

import static org.awaitility.Awaitility.await;

import dev.quayside.devstack.mesos.Http;
import io.vertx.core.json.JsonObject;
import java.time.Duration;

/** What the stand-in tests do between tests. */
final class StandIns {

    private StandIns() {
    }

    /** Deletes every app (forced) and waits until no task runs and no deployment is left. */
    static void deleteAllApps(MarathonStandIn marathon) {
        String url = marathon.marathonUrl();
        for (Object a : Http.get(url + "/v2/apps").json().getJsonArray("apps")) {
            Http.send("DELETE", url + "/v2/apps" + ((JsonObject) a).getString("id") + "?force=true", null);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> marathon.taskContainerIds().isEmpty()
                && Http.get(url + "/v2/deployments").array().isEmpty());
    }
}
