package dev.quayside.notifier.service;

import io.quarkus.qute.TemplateData;
import java.util.List;

/**
 * One rendered notification, independent of the channel that will carry it.
 *
 * @param id        stable id (the event id, or the digest's id)
 * @param typeKey   the event type key
 * @param title     one line
 * @param text      the body, plain text (lines)
 * @param chain     the chain summary, or empty
 * @param links     links to the commit, image and deployment
 * @param fields    short facts (app, environment, outcome, ...)
 * @param failure   true for bad news
 * @param count     how many events it stands for (1, or the number folded into a digest)
 */
@TemplateData
public record Notification(String id, String typeKey, String title, String text, String chain, List<Link> links,
        List<Field> fields, boolean failure, int count) {

    @TemplateData
    public record Link(String label, String url) {
    }

    @TemplateData
    public record Field(String name, String value) {
    }
}
