package dev.quayside.configsyncer.health;

import dev.quayside.configsyncer.client.GitClient;
import dev.quayside.configsyncer.client.GitException;
import dev.quayside.configsyncer.service.ConfigRepo;
import dev.quayside.configsyncer.service.Repositories;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/** Ready when every config repository's remote answers and has its write-back branch. */
@Readiness
@ApplicationScoped
class GitRemoteReadiness implements HealthCheck {

    private final Repositories repositories;
    private final GitClient git;

    GitRemoteReadiness(Repositories repositories, GitClient git) {
        this.repositories = repositories;
        this.git = git;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("config-repositories").up();
        for (ConfigRepo repo : repositories.all()) {
            try {
                var head = git.workspace(repo.name(), repo.cloneUrl(), repo.username(), repo.password())
                        .lsRemote(repo.branch());
                response.withData(repo.name(), head == null ? "no branch " + repo.branch() : head.name());
                if (head == null) {
                    response.down();
                }
            } catch (GitException e) {
                response.down().withData(repo.name(), e.getMessage());
            }
        }
        return response.build();
    }
}
