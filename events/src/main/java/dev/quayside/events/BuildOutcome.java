package dev.quayside.events;

import com.fasterxml.jackson.annotation.JsonValue;

/** How a build ended. */
public enum BuildOutcome {
    SUCCESS("success"), FAILURE("failure"), SKIPPED("skipped"), SUPERSEDED("superseded"), TIMED_OUT("timed-out");

    private final String wire;

    BuildOutcome(String wire) {
        this.wire = wire;
    }

    @JsonValue
    public String wire() {
        return wire;
    }
}
