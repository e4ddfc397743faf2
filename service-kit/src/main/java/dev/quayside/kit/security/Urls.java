package dev.quayside.kit.security;

import java.net.URI;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one URL redactor: strips user info (user names, passwords, tokens) from URLs before they are logged, labelled,
 * answered or put in an event. {@code https://user:token@git.example.com/a.git} becomes
 * {@code https://git.example.com/a.git}; SCP-like Git addresses ({@code git@host:repo.git}) keep their user, which
 * names an account, never a credential.
 */
public final class Urls {

    /** {@code scheme://userinfo@} anywhere in a text; user info ends at the last {@code @} before the host. */
    private static final Pattern USER_INFO = Pattern.compile("([A-Za-z][A-Za-z0-9+.-]*://)[^\\s/?#@]*(?:@[^\\s/?#@]*)*@");

    private Urls() {
    }

    /** {@code url} without user info; null stays null; text that is not a URL comes back with any user info removed. */
    public static String redact(String url) {
        return redactAll(url);
    }

    /** {@code uri} without user info. */
    public static URI redact(URI uri) {
        return uri == null ? null : URI.create(redact(uri.toString()));
    }

    /** Every URL in {@code text} (an error message, a log line) without user info. */
    public static String redactAll(String text) {
        if (text == null) {
            return null;
        }
        Matcher m = USER_INFO.matcher(text);
        return m.replaceAll(r -> Matcher.quoteReplacement(r.group(1)));
    }
}
