package dev.quayside.edgerouter.service;

import io.quarkus.qute.Engine;
import io.quarkus.qute.Template;
import io.quarkus.qute.TemplateException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Objects;
import java.util.Optional;

/**
 * Renders the HAProxy configuration from a Qute template: the shipped one, or the user's file, which is re-read
 * whenever its modification time or size changes.
 */
public class ConfigRenderer {

    /** The template shipped with edge-router (a class-path resource). */
    public static final String DEFAULT_TEMPLATE = "dev/quayside/edgerouter/haproxy.cfg.qute";

    /** A template that cannot be read, parsed or rendered: the message says where and why. */
    public static class TemplateProblem extends Exception {
        public TemplateProblem(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final Engine engine;
    private final Optional<Path> file;
    private Template template;
    private Stamp stamp;

    private record Stamp(FileTime modified, long size) {
    }

    public ConfigRenderer(Engine engine, Optional<Path> file) {
        this.engine = engine;
        this.file = file;
    }

    /** Where the template comes from, for messages. */
    public String source() {
        return file.map(Path::toString).orElse("classpath:" + DEFAULT_TEMPLATE);
    }

    /** True when the user's template file changed since it was last read (never for the shipped one). */
    public synchronized boolean templateChanged() {
        if (file.isEmpty()) {
            return false;
        }
        return !Objects.equals(stamp, stampOf(file.get()));
    }

    public synchronized String render(RenderModel model) throws TemplateProblem {
        Template current = load();
        try {
            return current.data("instance", model.instance()).data("global", model.global())
                    .data("frontend", model.frontend()).data("routes", model.routes())
                    .data("httpRoutes", model.httpRoutes()).data("tcpRoutes", model.tcpRoutes())
                    .data("problems", model.problems()).render();
        } catch (TemplateException | IllegalStateException e) {
            throw new TemplateProblem("template " + source() + " failed to render: " + e.getMessage(), e);
        }
    }

    private Template load() throws TemplateProblem {
        if (file.isEmpty()) {
            if (template == null) {
                try (InputStream in = ConfigRenderer.class.getClassLoader().getResourceAsStream(DEFAULT_TEMPLATE)) {
                    if (in == null) {
                        throw new TemplateProblem("shipped template " + DEFAULT_TEMPLATE + " is missing", null);
                    }
                    template = parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
                } catch (IOException e) {
                    throw new TemplateProblem("cannot read " + source() + ": " + e.getMessage(), e);
                }
            }
            return template;
        }
        Path path = file.get();
        Stamp now = stampOf(path);
        if (template == null || !Objects.equals(now, stamp)) {
            // remember the stamp even when parsing fails, so a broken file is reported once per change
            stamp = now;
            template = null;
            try {
                template = parse(Files.readString(path, StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new TemplateProblem("cannot read template " + path + ": " + e, e);
            }
        }
        return template;
    }

    private Template parse(String content) throws TemplateProblem {
        try {
            return engine.parse(content);
        } catch (TemplateException e) {
            throw new TemplateProblem("template " + source() + " does not parse: " + e.getMessage(), e);
        }
    }

    private static Stamp stampOf(Path path) {
        try {
            return new Stamp(Files.getLastModifiedTime(path), Files.size(path));
        } catch (IOException e) {
            return null;
        }
    }
}
