package dev.quayside.marathonapplier.service;

/** One reason a definition is not valid: a JSON pointer path and a message, as Marathon's 422 {@code details} say it. */
public record Violation(String path, String message) {

    @Override
    public String toString() {
        return path + ": " + message;
    }
}
