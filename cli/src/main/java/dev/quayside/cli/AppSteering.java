package dev.quayside.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quayside.cli.client.BoardClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code quayside suspend|resume|rollback APP ENV}: steer an app's automation in one environment. config-syncer makes
 * each a commit in the config repository (never a change behind Git's back); the board relays it.
 */
abstract class AppSteering extends AppAction {

    AppSteering(String action, String done) {
        super(action, done);
    }

    @Override
    public Integer call() {
        String env = environment();
        ObjectNode body = bodyWithBy();
        if (repository != null) {
            body.put("repository", repository);
        }
        addTo(body);
        JsonNode answer = post(options.client(), "api/apps/" + BoardClient.encode(app) + "/" + BoardClient.encode(env)
                + "/" + action, body);
        JsonNode syncer = answer.path("configSyncer");
        String to = syncer.path("toImage").asText("");
        String commit = syncer.path("commit").asText("");
        print(answer, out -> out.status(done) + ": " + app + " in " + env
                + (to.isEmpty() ? "" : (action.equals("resume") ? " at " : " to ") + PromotionsCommand.shortImage(to))
                + " ("
                + syncer.path("repository").asText(repository == null ? "?" : repository) + ", "
                + (commit.isEmpty() ? "already " + done + ": nothing written" : "commit " + Output.shortSha(commit))
                + ")");
        return ExitCodes.OK;
    }

    @Command(name = "suspend", mixinStandardHelpOptions = true,
            description = "Suspend APP's automation in ENV: config-syncer commits .quayside/suspended/ENV/APP.yml to the"
                    + " config repository, and until it is resumed nothing is written back or deployed there for the app"
                    + " (what runs keeps running). Needs the operator token.")
    static final class Suspend extends AppSteering {

        @Mixin
        Reason reason;

        Suspend() {
            super("suspend", "suspended");
        }

        @Override
        void addTo(ObjectNode body) {
            reason.addTo(body);
        }
    }

    @Command(name = "resume", mixinStandardHelpOptions = true,
            description = "Resume APP's automation in ENV: config-syncer commits the removal of its suspension (pinning, in"
                    + " the same commit, the newest build ENV followed while it was suspended), and what Git holds is"
                    + " applied. An app suspended in quayside.yml itself is resumed by editing quayside.yml"
                    + " (exit code 8). Needs the operator token.")
    static final class Resume extends AppSteering {

        Resume() {
            super("resume", "resumed");
        }
    }

    @Command(name = "rollback", mixinStandardHelpOptions = true,
            description = "Roll APP back in ENV: config-syncer commits an earlier version of its definition (default:"
                    + " the definition as it was before its last change) and it is deployed as any commit is. It lasts"
                    + " until the next build that ENV follows. Needs the operator token.")
    static final class Rollback extends AppSteering {

        @Option(names = "--to", paramLabel = "VERSION",
                description = "The version to go back to: a config commit id (7-40 hex digits), an image or an image"
                        + " tag (default: the definition as it was before its last change).")
        String to;

        @Mixin
        Reason reason;

        Rollback() {
            super("rollback", "rolled back");
        }

        @Override
        void addTo(ObjectNode body) {
            if (to != null && !to.isBlank()) {
                body.put("to", to);
            }
            reason.addTo(body);
        }
    }
}
