package dev.quayside.imagebuilder.service;

import dev.quayside.imagebuilder.client.BuildFailedException;

/** The repository's settings file cannot be used: the build fails with this message. */
public class InvalidSettingsException extends BuildFailedException {

    public InvalidSettingsException(String message) {
        super(message);
    }

    public InvalidSettingsException(String message, Throwable cause) {
        super(message, cause);
    }
}
