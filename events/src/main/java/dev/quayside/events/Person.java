package dev.quayside.events;

/** A Git identity. */
public record Person(String name, String email, String username) {
}
