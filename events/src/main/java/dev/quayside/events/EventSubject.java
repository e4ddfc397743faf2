package dev.quayside.events;

import java.util.Map;

/** The CDEvents {@code subject}. */
public record EventSubject(String id, String source, Map<String, Object> content) {
}
