package dev.quayside.events;

import com.fasterxml.jackson.annotation.JsonValue;

/** Where a definition is applied. */
public enum DeploymentTarget {
    MARATHON("marathon"), CHRONOS("chronos");

    private final String wire;

    DeploymentTarget(String wire) {
        this.wire = wire;
    }

    @JsonValue
    public String wire() {
        return wire;
    }
}
