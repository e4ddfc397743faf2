package dev.quayside.gitwatcher.support;

import dev.quayside.devstack.git.SshGitServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The repositories every Quarkus test of git-watcher watches: the repositories of the real webhook samples (by their
 * URLs, never fetched), and real bare repositories on disk — {@code hooked} (with the shipped post-receive hook),
 * {@code polled} (polled every 2 s), {@code redelivered} and {@code out-of-order} (polled on
 * request) and {@code over-ssh} (served by a real SSH server, polled on request).
 */
public class WatchedReposResource implements QuarkusTestResourceLifecycleManager {

    public static final String DEFAULT_SECRET = "default-secret";
    public static final String GITHUB_SECRET = "github-secret";
    public static final String HOOK_SECRET = "hook-secret";
    public static final String POLL_SECRET = "poll-secret";
    public static final String ROOT_PROPERTY = "quayside.test.git-root";
    public static final String SSH_URL_PROPERTY = "quayside.test.ssh-url";

    private SshGitServer ssh;

    @Override
    public Map<String, String> start() {
        Path root;
        try {
            root = Files.createTempDirectory("git-watcher-test-");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        Path hooked = Git.bare(root, "hooked");
        Path polled = Git.bare(root, "polled");
        Path redelivered = Git.bare(root, "redelivered");
        Path outOfOrder = Git.bare(root, "out-of-order");
        Map<String, String> config = new HashMap<>();
        config.put(ROOT_PROPERTY, root.toString());
        config.put("quayside.git-watcher.default-secret", DEFAULT_SECRET);
        config.put("quayside.git-watcher.work-dir", root.resolve("work").toString());
        repo(config, "hello-world", "https://github.com/Codertocat/Hello-World.git");
        config.put("quayside.git-watcher.repositories.hello-world.secret", GITHUB_SECRET);
        repo(config, "sample-app", "git@github.com:binkkatal/sample_app.git");
        config.put("quayside.git-watcher.repositories.sample-app.branches", "master,release/*");
        repo(config, "argo-test-repo", "https://github.com/jessesuen/test-repo.git");
        config.put("quayside.git-watcher.repositories.argo-test-repo.kind", "config");
        config.put("quayside.git-watcher.repositories.argo-test-repo.branches", "develop");
        repo(config, "diaspora", "http://example.com/mike/diaspora.git");
        repo(config, "jsmith-example", "ssh://git@example.com/jsmith/example.git");
        config.put("quayside.git-watcher.repositories.jsmith-example.tags", "false");
        repo(config, "gitea-webhooks", "http://localhost:3000/gitea/webhooks.git");
        repo(config, "gitea-example", "http://localhost:3000/example/example.git");
        repo(config, "bitbucket-cloud", "https://bitbucket.org/team_name/repo_name.git");
        config.put("quayside.git-watcher.repositories.bitbucket-cloud.aliases", "team_name/repo_name");
        repo(config, "bitbucket-server", "https://bitbucketserver/scm/myproject/test-repo.git");
        repo(config, "webhook-test", "ssh://git@server.bitbucket.local:7999/~gopher/webhook-test.git");
        repo(config, "hooked", hooked.toUri().toString());
        config.put("quayside.git-watcher.repositories.hooked.secret", HOOK_SECRET);
        repo(config, "polled", polled.toUri().toString());
        config.put("quayside.git-watcher.repositories.polled.secret", POLL_SECRET);
        config.put("quayside.git-watcher.repositories.polled.poll-interval", "2s");
        // polled only when asked, and sent generic webhooks by hand: late (retried) reports of older pushes
        repo(config, "redelivered", redelivered.toUri().toString());
        config.put("quayside.git-watcher.repositories.redelivered.secret", POLL_SECRET);
        config.put("quayside.git-watcher.repositories.redelivered.poll-interval", "0s");
        // the same, for webhooks of one branch that arrive out of order
        repo(config, "out-of-order", outOfOrder.toUri().toString());
        config.put("quayside.git-watcher.repositories.out-of-order.secret", POLL_SECRET);
        config.put("quayside.git-watcher.repositories.out-of-order.poll-interval", "0s");
        // polled over SSH (a real SSH server, key authentication, host key checked against known_hosts); polled only
        // when asked (POST /repositories/{name}/sync), so the other tests never wait for it
        Git.bare(root, "over-ssh");
        ssh = SshGitServer.start(root, root.resolve("ssh"));
        config.put(SSH_URL_PROPERTY, ssh.url("over-ssh"));
        repo(config, "over-ssh", ssh.url("over-ssh"));
        config.put("quayside.git-watcher.repositories.over-ssh.credentials.ssh-key", ssh.clientKey().toString());
        config.put("quayside.git-watcher.repositories.over-ssh.credentials.known-hosts", ssh.knownHosts().toString());
        // the same server, but a known_hosts that does not list it: the host key check must refuse
        Path strangers = root.resolve("ssh/known_hosts-without-the-server");
        try {
            Files.writeString(strangers, "");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        repo(config, "over-ssh-unknown-host", ssh.url("over-ssh"));
        config.put("quayside.git-watcher.repositories.over-ssh-unknown-host.credentials.ssh-key",
                ssh.clientKey().toString());
        config.put("quayside.git-watcher.repositories.over-ssh-unknown-host.credentials.known-hosts",
                strangers.toString());
        return config;
    }

    /** A watched repository; one whose URL is not on this machine is never polled (tests reach 127.0.0.1 only). */
    private static void repo(Map<String, String> config, String name, String url) {
        config.put("quayside.git-watcher.repositories." + name + ".clone-url", url);
        if (!url.startsWith("file:")) {
            config.put("quayside.git-watcher.repositories." + name + ".poll-interval", "0s");
        }
    }

    @Override
    public void stop() {
        if (ssh != null) {
            ssh.close();
        }
        // temporary folders are left for inspection after a failure
    }
}
