package dev.quayside.registrator.service;

import dev.quayside.devstack.consul.ConsulStandIn;
import dev.quayside.registrator.ConsulView;
import dev.quayside.registrator.TestContainers;
import io.vertx.mutiny.core.Vertx;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * Per test: a Consul stand-in, this run's real containers, a host name of its own, and the registrator "process"
 * ({@link Harness}) the test starts; all stopped and removed afterwards.
 */
abstract class RealStack {

    static final Duration WAIT = Duration.ofSeconds(20);

    Vertx vertx;
    ConsulStandIn consul;
    ConsulView view;
    TestContainers containers;
    String host;
    Harness harness;

    /** The prefix of this test's host name. */
    abstract String hostPrefix();

    @BeforeEach
    void startStack() {
        vertx = Vertx.vertx();
        consul = ConsulStandIn.start();
        view = new ConsulView(consul.url());
        containers = new TestContainers();
        host = hostPrefix() + "-" + containers.run();
    }

    @AfterEach
    void stopStack() {
        if (harness != null) {
            harness.kill();
        }
        containers.close();
        consul.close();
        vertx.closeAndAwait();
    }

    /** A registrator with these settings, talking to {@code dockerHost} (null: the default engine). */
    Harness registrator(String dockerHost, Harness.Settings settings) {
        return new Harness(vertx, dockerHost, consul.url(), settings);
    }

    /** The id of a test container's 8080 service. */
    String id(String name) {
        return host + ":" + containers.containerName(name) + ":8080";
    }
}
