package dev.quayside.events;

/**
 * A container stopped and its service was deregistered (custom type {@code quayside-container.stopped}).
 *
 * @param exitCode the container's exit code, or null when unknown (e.g. found gone during a resync)
 */
public record ContainerStopped(Container container, Integer exitCode) implements PipelineEvent {

    @Override
    public String subjectId() {
        return container.serviceId();
    }

    @Override
    public String partitionKey() {
        return container.serviceId();
    }
}
