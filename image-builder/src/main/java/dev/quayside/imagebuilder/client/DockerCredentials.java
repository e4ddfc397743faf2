package dev.quayside.imagebuilder.client;

import com.github.dockerjava.api.model.AuthConfig;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import dev.quayside.imagebuilder.config.RegistryConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;

/**
 * Registry credentials: {@code quayside.registry.username/password} when set, else the entry for the registry in
 * {@code ~/.docker/config.json} (read by docker-java), else none.
 */
@ApplicationScoped
public class DockerCredentials {

    /** A user and password (or token) for one registry. */
    public record Credentials(String username, String password) {
    }

    private final RegistryConfig config;

    DockerCredentials(RegistryConfig config) {
        this.config = config;
    }

    public Optional<Credentials> forRegistry(String registry) {
        if (config.username().isPresent()) {
            return Optional.of(new Credentials(config.username().get(), config.password().orElse("")));
        }
        try {
            AuthConfig auth = DefaultDockerClientConfig.createDefaultConfigBuilder().build()
                    .effectiveAuthConfig(registry + "/quayside-probe");
            if (auth != null && auth.getUsername() != null && !auth.getUsername().isEmpty()) {
                return Optional.of(new Credentials(auth.getUsername(), auth.getPassword()));
            }
        } catch (RuntimeException e) {
            // an unreadable ~/.docker/config.json means no credentials, as for the docker CLI
        }
        return Optional.empty();
    }

    /** The docker-java {@link AuthConfig} for pushes to {@code registry}, or null for anonymous pushes. */
    public AuthConfig authConfig(String registry) {
        return forRegistry(registry).map(c -> new AuthConfig().withRegistryAddress(registry)
                .withUsername(c.username()).withPassword(c.password())).orElse(null);
    }
}
