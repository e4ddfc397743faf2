package dev.quayside.events;

/** A container started and its service is registered in Consul (custom type {@code quayside-container.started}). */
public record ContainerStarted(Container container) implements PipelineEvent {

    @Override
    public String subjectId() {
        return container.serviceId();
    }

    @Override
    public String partitionKey() {
        return container.serviceId();
    }
}
