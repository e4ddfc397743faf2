package dev.quayside.devstack.marathon;

import dev.quayside.devstack.mesos.DockerTasks;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension for plain tests: one stand-in per test class, closed (with every container it started) after the
 * class; it fails the class if a container of the stand-in is left behind. Injects {@link MarathonStandIn} parameters
 * and {@code String marathonUrl} / {@code String chronosUrl} parameters.
 *
 * <pre>{@code
 * @RegisterExtension
 * static MarathonStandInExtension marathon = new MarathonStandInExtension(
 *         MarathonStandIn.options().deploymentTimeout(Duration.ofSeconds(10)));
 * }</pre>
 * or simply {@code @ExtendWith(MarathonStandInExtension.class)}.
 */
public class MarathonStandInExtension implements BeforeAllCallback, AfterAllCallback, ParameterResolver {

    private final MarathonStandIn.Options options;
    private MarathonStandIn standIn;

    public MarathonStandInExtension() {
        this(new MarathonStandIn.Options());
    }

    public MarathonStandInExtension(MarathonStandIn.Options options) {
        this.options = options;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        standIn = MarathonStandIn.start(options);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (standIn == null) {
            return;
        }
        MarathonStandIn closing = standIn;
        standIn = null;
        closing.close();
        try (DockerTasks docker = new DockerTasks(options.dockerHost, options.dockerInit)) {
            int left = docker.list(DockerTasks.LABEL_STAND_IN, closing.standInId()).size();
            if (left > 0) {
                throw new IllegalStateException(left + " container(s) of stand-in " + closing.standInId()
                        + " are left after close()");
            }
        }
    }

    /** The running stand-in (between beforeAll and afterAll). */
    public MarathonStandIn standIn() {
        if (standIn == null) {
            throw new IllegalStateException("the stand-in runs only between beforeAll and afterAll");
        }
        return standIn;
    }

    public String marathonUrl() {
        return standIn().marathonUrl();
    }

    public String chronosUrl() {
        return standIn().chronosUrl();
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext extension) {
        Class<?> type = parameter.getParameter().getType();
        String name = parameter.getParameter().getName();
        return type == MarathonStandIn.class
                || type == String.class && (name.equals("marathonUrl") || name.equals("chronosUrl"));
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext extension) {
        if (parameter.getParameter().getType() == MarathonStandIn.class) {
            return standIn();
        }
        return parameter.getParameter().getName().equals("marathonUrl") ? marathonUrl() : chronosUrl();
    }
}
