package dev.quayside.gitwatcher.client;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A watched repository's remote as {@link GitClient} reaches it: the configured URL and credentials. Credentials never
 * leave this record: {@link #redactedUrl()} is the URL for events, answers and logs, and {@link #redact} cleans any
 * text (e.g. a JGit error) of them.
 *
 * @param name       the repository's name in git-watcher
 * @param url        the configured clone URL, possibly with user info
 * @param username   HTTPS user (with a password, or with a token)
 * @param password   HTTPS password or token
 * @param sshKey     private key for SSH remotes
 * @param knownHosts known_hosts file for SSH remotes (absent: {@code ~/.ssh/known_hosts})
 */
public record GitRemote(String name, String url, Optional<String> username, Optional<String> password,
        Optional<Path> sshKey, Optional<Path> knownHosts) {

    private static final String MASK = "****";

    /**
     * The URL without credentials: for HTTP(S) and other schemes, without any user info (a user name there is often a
     * token); for {@code ssh://}, without a password (the user name stays: it is needed and not a secret); an
     * scp-like {@code user@host:path} cannot hold a password and stays as it is.
     */
    public String redactedUrl() {
        return withoutCredentials(url);
    }

    /** {@code url} without credentials (see {@link #redactedUrl()}). */
    static String withoutCredentials(String url) {
        int scheme = url.indexOf("://");
        if (scheme < 0) {
            return url;
        }
        int start = scheme + 3;
        int slash = url.indexOf('/', start);
        int at = url.lastIndexOf('@', slash < 0 ? url.length() - 1 : slash);
        if (at < start) {
            return url;
        }
        String userInfo = url.substring(start, at);
        String kept = "";
        if (isSsh(url.substring(0, scheme))) {
            int colon = userInfo.indexOf(':');
            kept = (colon < 0 ? userInfo : userInfo.substring(0, colon)) + "@";
        }
        return url.substring(0, start) + kept + url.substring(at + 1);
    }

    /** {@code text} with this remote's URL redacted and its passwords, tokens and URL user info masked. */
    public String redact(String text) {
        if (text == null) {
            return null;
        }
        String clean = text.replace(url, redactedUrl());
        for (String secret : secrets()) {
            clean = clean.replace(secret, MASK);
        }
        return clean;
    }

    private List<String> secrets() {
        List<String> secrets = new ArrayList<>();
        password.filter(p -> !p.isEmpty()).ifPresent(secrets::add);
        try {
            URI uri = new URI(url);
            String userInfo = uri.getRawUserInfo();
            if (userInfo != null) {
                int colon = userInfo.indexOf(':');
                if (colon >= 0 && colon + 1 < userInfo.length()) {
                    secrets.add(userInfo.substring(colon + 1));
                }
                if (!isSsh(uri.getScheme())) { // the user part itself may be a token
                    secrets.add(userInfo + "@");
                    secrets.add((colon < 0 ? userInfo : userInfo.substring(0, colon)) + "@");
                }
            }
        } catch (URISyntaxException e) {
            // not a URI (scp-like): no user info that could hold a secret
        }
        return secrets;
    }

    private static boolean isSsh(String scheme) {
        return scheme != null && scheme.toLowerCase(Locale.ROOT).startsWith("ssh");
    }

    @Override
    public String toString() {
        return name + " (" + redactedUrl() + ")";
    }
}
