package dev.quayside.gitwatcher.service.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quayside.events.CommitPushed;
import dev.quayside.gitwatcher.service.push.PushedRef;
import dev.quayside.gitwatcher.support.Fixtures;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Thousands of mutated real payloads through every parser: each either reads into a well-formed push (full ids,
 * full ref names) or fails with a {@link WebhookPayloadException}; nothing else escapes.
 */
class ParserFuzzTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Pattern SHA = Pattern.compile("[0-9a-f]{40}|[0-9a-f]{64}");
    private static final int MUTANTS_PER_FIXTURE = 400;

    /** A host's event with a real sample ({@code fixture}) or, where the fixtures have none, {@code inline} JSON. */
    private record Case(WebhookHost host, String event, String fixture, String inline) {

        Case(WebhookHost host, String event, String fixture) {
            this(host, event, fixture, null);
        }
    }

    /** Gitea's DeletePayload (modules/structs/hook.go): short ref name, ref_type, pusher_type, repository, sender. */
    private static final String GITEA_DELETE = "{\"ref\":\"feature\",\"ref_type\":\"branch\",\"pusher_type\":\"user\","
            + "\"repository\":{\"id\":1,\"name\":\"webhooks\",\"full_name\":\"gitea/webhooks\",\"html_url\":"
            + "\"http://localhost:3000/gitea/webhooks\",\"clone_url\":\"http://localhost:3000/gitea/webhooks.git\"},"
            + "\"sender\":{\"id\":1,\"login\":\"gitea\",\"full_name\":\"Gitea\",\"email\":\"someone@gitea.io\","
            + "\"username\":\"gitea\"}}";

    private static final List<Case> CASES = List.of(
            new Case(new GitHubHost(), "push", "github/push.branch-update.go-playground.json"),
            new Case(new GitHubHost(), "push", "github/push.with-new-branch.payload.json"),
            new Case(new GitHubHost(), "push", "github/push.payload.json"),
            new Case(new GitHubHost(), "ping", "github/ping.payload.json"),
            new Case(new GitLabHost(), "Push Hook", "gitlab/push.json"),
            new Case(new GitLabHost(), "Tag Push Hook", "gitlab/tag_push.json"),
            new Case(new GiteaHost(), "push", "gitea/push-event.go-playground.json"),
            new Case(new GiteaHost(), "delete", null, GITEA_DELETE),
            new Case(new BitbucketCloudHost(), "repo:push", "bitbucket/cloud-repo-push.json"),
            new Case(new BitbucketServerHost(), "repo:refs_changed", "bitbucket/server-repo-refs-changed.argo-cd.json"),
            new Case(new GenericHost(), "push", null, "{\"repository\":\"hooked\",\"ref\":\"refs/heads/main\",\"before\":\""
                    + CommitPushed.ZERO_SHA + "\",\"after\":\"" + "a".repeat(40) + "\",\"pusher\":{\"name\":\"me\"}}"));

    @Test
    void mutatedPayloadsNeverEscapeAsAnythingButAPayloadError() throws Exception {
        Random random = new Random(20261127L);
        int parsed = 0;
        int rejected = 0;
        int notJson = 0;
        for (Case c : CASES) {
            byte[] original = c.fixture() == null ? c.inline().getBytes(java.nio.charset.StandardCharsets.UTF_8)
                    : Fixtures.webhook(c.fixture());
            JsonNode tree = MAPPER.readTree(original);
            for (int i = 0; i < MUTANTS_PER_FIXTURE; i++) {
                JsonNode root;
                if (i % 4 == 0) {
                    byte[] bytes = mutateBytes(original, random);
                    try {
                        root = MAPPER.readTree(bytes);
                    } catch (JacksonException e) {
                        notJson++;
                        continue;
                    }
                    if (root == null || root.isMissingNode()) {
                        notJson++;
                        continue;
                    }
                } else {
                    root = mutateTree(tree.deepCopy(), random, 1 + random.nextInt(4));
                }
                try {
                    WebhookDelivery delivery = c.host().parse(c.event(), root);
                    for (PushedRef ref : delivery.refs()) {
                        assertThat(ref.ref()).startsWith("refs/");
                        if (c.event().equals("delete")) {
                            // Gitea's delete names no commits: the previous head is git-watcher's last seen one
                            assertThat(ref.before()).isNull();
                            assertThat(ref.after()).isEqualTo(CommitPushed.ZERO_SHA);
                            assertThat(ref.ref()).matches("refs/(heads|tags)/.+");
                        } else {
                            assertThat(ref.before()).matches(SHA);
                            assertThat(ref.after()).matches(SHA);
                        }
                        ref.commits().forEach(commit -> assertThat(commit.id()).matches(SHA));
                    }
                    parsed++;
                } catch (WebhookPayloadException e) {
                    assertThat(e.getMessage()).isNotBlank();
                    rejected++;
                } catch (RuntimeException e) {
                    fail((c.fixture() != null ? c.fixture() : c.event()) + " mutant " + i + " threw " + e + " for " + root, e);
                }
            }
        }
        int total = CASES.size() * MUTANTS_PER_FIXTURE;
        System.out.printf("fuzz: %d mutants, %d parsed, %d rejected with a reason, %d not JSON%n", total, parsed,
                rejected, notJson);
        assertThat(parsed + rejected + notJson).isEqualTo(total);
        assertThat(rejected).as("mutations must hit the validation").isGreaterThan(total / 10);
        assertThat(parsed).as("some mutations keep the payload valid").isGreaterThan(total / 20);
    }

    private static byte[] mutateBytes(byte[] original, Random random) {
        byte[] bytes = original.clone();
        int changes = 1 + random.nextInt(8);
        for (int i = 0; i < changes; i++) {
            bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
        }
        if (random.nextBoolean()) {
            int cut = random.nextInt(bytes.length);
            return java.util.Arrays.copyOf(bytes, cut);
        }
        return bytes;
    }

    /** Replaces, removes or retypes random fields anywhere in the tree. */
    private static JsonNode mutateTree(JsonNode root, Random random, int mutations) {
        for (int m = 0; m < mutations; m++) {
            List<JsonNode> containers = new ArrayList<>();
            collect(root, containers);
            JsonNode container = containers.get(random.nextInt(containers.size()));
            if (container instanceof ObjectNode object && object.size() > 0) {
                List<String> names = new ArrayList<>();
                object.fieldNames().forEachRemaining(names::add);
                String name = names.get(random.nextInt(names.size()));
                if (random.nextInt(4) == 0) {
                    object.remove(name);
                } else {
                    object.set(name, randomValue(random));
                }
            } else if (container instanceof ArrayNode array && array.size() > 0) {
                array.set(random.nextInt(array.size()), randomValue(random));
            }
        }
        return random.nextInt(50) == 0 ? randomValue(random) : root;
    }

    private static void collect(JsonNode node, List<JsonNode> containers) {
        if (node.isContainerNode()) {
            containers.add(node);
            Iterator<JsonNode> children = node.elements();
            while (children.hasNext()) {
                collect(children.next(), containers);
            }
        }
    }

    private static JsonNode randomValue(Random random) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        switch (random.nextInt(12)) {
            case 0:
                return f.nullNode();
            case 1:
                return f.numberNode(random.nextLong());
            case 2:
                return f.booleanNode(random.nextBoolean());
            case 3:
                return f.textNode("");
            case 4:
                return f.textNode("refs/heads/../x");
            case 5:
                return f.textNode(CommitPushed.ZERO_SHA);
            case 6:
                return f.textNode("Z".repeat(40));
            case 7:
                return f.arrayNode().add(f.numberNode(1)).add(f.nullNode());
            case 8:
                return f.objectNode().set("nested", f.textNode("x"));
            case 9:
                return f.textNode("2019-13-45T99:99:99");
            case 10:
                return f.numberNode(Double.NaN);
            default:
                return f.objectNode().setAll(Map.of("name", f.textNode("branch"), "type", f.textNode("tag")));
        }
    }
}
