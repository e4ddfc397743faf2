package dev.quayside.configsyncer.service;

import dev.quayside.configsyncer.config.ConfigSyncerConfig;
import dev.quayside.configsyncer.mirror.MirrorOptions;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The configured config repositories ({@code quayside.config-syncer.repositories.<name>.*}). */
@ApplicationScoped
public class Repositories {

    private final List<ConfigRepo> all;

    @Inject
    public Repositories(ConfigSyncerConfig config) {
        List<ConfigRepo> repos = new ArrayList<>();
        for (Map.Entry<String, ConfigSyncerConfig.Repository> e : config.repositories().entrySet()) {
            ConfigSyncerConfig.Repository r = e.getValue();
            ConfigSyncerConfig.Git2Consul g = r.git2consul();
            MirrorOptions mirror = new MirrorOptions(g.mountpoint(), g.includeBranchName(), g.ignoreRepoName(),
                    g.sourceRoot().orElse(null), g.expandKeys(), g.expandKeysDiff(), g.ignoreFileExtension(),
                    g.commonProperties().orElse(null));
            repos.add(new ConfigRepo(e.getKey(), r.cloneUrl(), r.branch(), r.branches().orElse(List.of(r.branch())),
                    r.authorName(), r.authorEmail(), r.username().orElse(null), r.password().orElse(null),
                    r.messageTemplate(), mirror));
        }
        this.all = Collections.unmodifiableList(repos);
    }

    /** These repositories, in this order (names must differ). */
    public Repositories(List<ConfigRepo> repositories) {
        if (repositories.stream().map(ConfigRepo::name).distinct().count() != repositories.size()) {
            throw new IllegalArgumentException("two config repositories share a name: " + repositories);
        }
        this.all = List.copyOf(repositories);
    }

    public List<ConfigRepo> all() {
        return all;
    }

    public Optional<ConfigRepo> byName(String name) {
        return all.stream().filter(r -> r.name().equals(name)).findFirst();
    }
}
