package dev.quayside.registrator.service;

import dev.quayside.events.EventEnvelope;
import dev.quayside.kit.consul.ConsulConnection;
import dev.quayside.registrator.client.ConsulClient;
import dev.quayside.registrator.client.DockerEngineClient;
import dev.quayside.registrator.config.RegistratorConfig;
import dev.quayside.registrator.messaging.ContainerEventsEmitter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.mutiny.core.Vertx;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * One registrator "process" without Quarkus: the real Docker and Consul clients, the reconciler and the event stream
 * follower, with the published events recorded. {@link #kill} drops it the way a killed process goes: nothing
 * deregistered, all memory lost.
 */
final class Harness {

    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    final DockerEngineClient docker;
    final ConsulClient consul;
    final Registrar registrar;
    final EventStreamFollower follower;
    final List<EventEnvelope<?>> events = new CopyOnWriteArrayList<>();

    Harness(Vertx vertx, String dockerHost, String consulUrl, Settings settings) {
        this.docker = new DockerEngineClient(Optional.ofNullable(dockerHost), Duration.ofSeconds(10),
                Optional.of(settings.label()), meters);
        this.consul = new ConsulClient(ConsulConnection.of(vertx, URI.create(consulUrl), null, Duration.ofSeconds(5)),
                settings, meters);
        ContainerEventsEmitter emitter = new ContainerEventsEmitter(new RecordingEmitter(events));
        this.registrar = new Registrar(docker, consul, emitter, new RegistratorSettings(settings), meters);
        this.follower = new EventStreamFollower(docker, registrar, settings, meters);
        follower.onStart(null);
    }

    /** Stops like {@code kill -9}: threads end, no deregistration. */
    void kill() {
        follower.onStop(null);
        registrar.stop();
        docker.close();
    }

    /** Registrator options for tests: a unique host name, only this run's containers. */
    record Settings(String host, String label, String deregister, boolean internal, boolean explicit)
            implements RegistratorConfig {

        Settings(String host, String label, String deregister) {
            this(host, label, deregister, false, false);
        }

        @Override
        public Optional<String> hostname() {
            return Optional.of(host);
        }

        @Override
        public Optional<String> address() {
            return Optional.of("127.0.0.1");
        }

        @Override
        public Optional<List<String>> tags() {
            return Optional.empty();
        }

        @Override
        public boolean trustImageMetadata() {
            return false;
        }

        @Override
        public String resync() {
            return "off";
        }

        @Override
        public boolean cleanup() {
            return true;
        }

        @Override
        public int retryAttempts() {
            return 2;
        }

        @Override
        public Duration retryInterval() {
            return Duration.ofMillis(100);
        }

        @Override
        public Duration reconnectMin() {
            return Duration.ofMillis(100);
        }

        @Override
        public Duration reconnectMax() {
            return Duration.ofMillis(800);
        }

        @Override
        public boolean drainOnStop() {
            return true;
        }

        @Override
        public List<String> stopSignals() {
            return List.of("TERM", "INT", "QUIT", "KILL");
        }

        @Override
        public Optional<String> containerLabel() {
            return Optional.of(label);
        }
    }

    /** An emitter that keeps what is sent (the Kafka path is covered by the Quarkus tests). */
    static final class RecordingEmitter implements Emitter<EventEnvelope<?>> {
        private final List<EventEnvelope<?>> sent;

        RecordingEmitter(List<EventEnvelope<?>> sent) {
            this.sent = sent;
        }

        @Override
        public CompletionStage<Void> send(EventEnvelope<?> payload) {
            sent.add(payload);
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public <M extends Message<? extends EventEnvelope<?>>> void send(M message) {
            sent.add(message.getPayload());
        }

        @Override
        public void complete() {
        }

        @Override
        public void error(Exception e) {
        }

        @Override
        public boolean isCancelled() {
            return false;
        }

        @Override
        public boolean hasRequests() {
            return true;
        }
    }
}
