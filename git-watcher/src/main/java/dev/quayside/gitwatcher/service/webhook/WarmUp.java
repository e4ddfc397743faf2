package dev.quayside.gitwatcher.service.webhook;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quayside.events.CommitPushed;
import dev.quayside.events.EventEnvelope;
import dev.quayside.events.EventIds;
import dev.quayside.events.EventType;
import dev.quayside.events.Topics;
import dev.quayside.events.kafka.EventSerializer;
import dev.quayside.gitwatcher.client.DeliveryLog;
import dev.quayside.gitwatcher.config.GitWatcherConfig;
import dev.quayside.gitwatcher.messaging.CommitPushedPublisher;
import dev.quayside.gitwatcher.service.push.PushOutcome;
import dev.quayside.gitwatcher.service.push.PushService;
import dev.quayside.gitwatcher.service.push.PushedRef;
import dev.quayside.kit.security.Hmac;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.jboss.logging.Logger;

/**
 * Runs the webhook path on synthetic pushes while the service starts, before it reports ready, so the first real
 * webhooks do not queue behind class loading, cold serializers and the Kafka producers' first metadata requests: a
 * cold JVM answered its first second of a 200/s burst in up to 0.8 s, a warm one in under 20 ms.
 *
 * <p>Nothing is sent or recorded: payloads are parsed, verified and serialized in memory (GitHub's shape, the most
 * common), and the producers fetch the metadata of the topics they will write. Readiness waits for it; a warm-up
 * failure is logged and never keeps the service unready.
 */
@ApplicationScoped
public class WarmUp {

    private static final Logger LOG = Logger.getLogger(WarmUp.class);
    private static final String SECRET = "warm-up";
    /** Enough for the hot methods to be compiled, bounded so a slow machine does not wait long. */
    private static final int ROUNDS = 300;

    private final ObjectMapper answers;
    private final KafkaClientService kafka;
    private final DeliveryLog log;
    private final Duration budget;
    private volatile boolean done;
    private volatile Duration took;

    public WarmUp(ObjectMapper answers, KafkaClientService kafka, DeliveryLog log,
            GitWatcherConfig config) {
        this.answers = answers;
        this.budget = config.warmUp();
        this.kafka = kafka;
        this.log = log;
    }

    void start(@Observes StartupEvent event) {
        Thread thread = new Thread(this::run, "git-watcher-warm-up");
        thread.setDaemon(true);
        thread.setPriority(Thread.MIN_PRIORITY);
        thread.start();
    }

    /** True once the warm-up ran (or gave up). */
    public boolean isDone() {
        return done;
    }

    /** How long it took, once done. */
    public Duration took() {
        return took;
    }

    void run() {
        long start = System.nanoTime();
        try {
            exercise(budget.isZero() ? 0 : ROUNDS, budget, answers);
            primeProducers();
        } catch (RuntimeException e) {
            LOG.warnf("warm-up stopped early (%s); serving cold", e.toString());
        } finally {
            took = Duration.ofNanos(System.nanoTime() - start);
            done = true;
            LOG.debugf("warm-up took %d ms", took.toMillis());
        }
    }

    /** Parses, verifies and serializes up to {@code rounds} synthetic pushes within {@code budget}. */
    static int exercise(int rounds, Duration budget, ObjectMapper answers) {
        WebhookHost host = new GitHubHost();
        long deadline = System.nanoTime() + budget.toNanos();
        int round = 0;
        try (EventSerializer serializer = new EventSerializer()) {
            for (; round < rounds && System.nanoTime() < deadline; round++) {
                byte[] body = syntheticPush(round);
                String signature = Hmac.sha256Header(SECRET, body);
                Map<String, String> headers = Map.of("x-github-event", "push", "x-hub-signature-256", signature);
                WebhookHost.Headers lookup = name -> headers.get(name.toLowerCase(java.util.Locale.ROOT));
                WebhookDelivery delivery = host.parse(host.event(lookup), WebhookService.MAPPER.readTree(body));
                if (!host.verify(lookup, body, SECRET)) {
                    throw new IllegalStateException("the warm-up's own signature did not verify");
                }
                PushedRef pushed = delivery.refs().get(0);
                String id = EventIds.of(EventType.COMMIT_PUSHED, "warm-up", pushed.ref(), pushed.after());
                CommitPushed event = new CommitPushed("warm-up", "app", "https://example.invalid/warm-up.git",
                        pushed.ref(), PushService.change(pushed.ref(), pushed.before(), pushed.after()),
                        pushed.before(), pushed.after(), pushed.commits(), pushed.pusher(), "warm-up", "github");
                serializer.serialize(Topics.COMMIT_PUSHED, new RecordHeaders(),
                        EventEnvelope.startChain(event, "/quayside/git-watcher", id, Instant.now()));
                answers.writeValueAsBytes(new WebhookResult(200, "accepted", null, "warm-up", List.of(
                        new PushOutcome(PushOutcome.Status.EMITTED, pushed.ref(), pushed.after(), event.change(),
                                id, null))));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return round;
    }

    /** The producers' first send would otherwise wait for the topic's metadata. */
    private void primeProducers() {
        kafka.getProducer(CommitPushedPublisher.CHANNEL).unwrap().partitionsFor(Topics.COMMIT_PUSHED);
        log.primeWriter();
    }

    /** A GitHub push of one commit to {@code refs/heads/main}, distinct per round. */
    static byte[] syntheticPush(int round) {
        ObjectMapper mapper = WebhookService.MAPPER;
        String after = String.format("%040x", round + 1L);
        ObjectNode root = mapper.createObjectNode();
        root.put("ref", "refs/heads/main");
        root.put("before", String.format("%040x", round + 0x1000L));
        root.put("after", after);
        ObjectNode repository = root.putObject("repository");
        repository.put("full_name", "quayside/warm-up");
        repository.put("clone_url", "https://example.invalid/quayside/warm-up.git");
        ObjectNode pusher = root.putObject("pusher");
        pusher.put("name", "warm-up");
        pusher.put("email", "warm-up@example.invalid");
        root.putObject("sender").put("login", "warm-up");
        ArrayNode commits = root.putArray("commits");
        ObjectNode commit = commits.addObject();
        commit.put("id", after);
        commit.put("message", "Warm-up commit " + round + "\n\nA longer body, as real commit messages have.");
        commit.put("timestamp", "2026-11-27T10:15:30+01:00");
        ObjectNode author = commit.putObject("author");
        author.put("name", "warm-up");
        author.put("email", "warm-up@example.invalid");
        author.put("username", "warm-up");
        commit.putArray("added").add("src/new-file-" + round + ".txt");
        commit.putArray("modified").add("README.md").add("src/main.go");
        commit.putArray("removed");
        root.set("head_commit", commit.deepCopy());
        return root.toString().getBytes(StandardCharsets.UTF_8);
    }
}
