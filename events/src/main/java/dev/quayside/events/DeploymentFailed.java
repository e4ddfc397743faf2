package dev.quayside.events;

import java.util.Map;

/**
 * A definition could not be applied, or what runs drifted from it (custom type {@code quayside-deployment.failed}).
 *
 * @param reason  why: see {@link Reason}
 * @param message the human-readable cause (Marathon's message, the validation error)
 * @param file    the config repo file, when known
 * @param path    the JSON path inside the file, for validation errors
 */
public record DeploymentFailed(Deployment deployment, Reason reason, String message, String file, String path)
        implements DeploymentEvent {

    public enum Reason {
        /** The definition failed validation and was never sent. */
        INVALID,
        /** Marathon or Chronos rejected it (4xx). */
        REJECTED,
        /** New tasks never became healthy. */
        HEALTH_CHECK,
        /** No outcome within the deadline. */
        TIMEOUT,
        /** What runs differs from the desired state. */
        DRIFT,
        /** Anything else, after retries. */
        ERROR,
        /**
         * Automation of the app is suspended in the environment (the config repo's {@code quayside.yml},
         * {@code environments.<env>.suspended}): the definition was not applied (or not removed), or what runs differs
         * from it and is not corrected. Not a failure of the definition; it ends the chain.
         */
        SUSPENDED
    }

    /** The quayside-deployment.failed schema has no subject content (a failed deployment may name no artifact). */
    @Override
    public Map<String, Object> subjectContent() {
        return Map.of();
    }
}
