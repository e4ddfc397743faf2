package dev.quayside.gitwatcher.service;

import java.util.List;

/**
 * How a payload names its repository: a full name ({@code owner/name}) and the URLs it gives. Used only to find the
 * configured repository; these URLs are never fetched.
 *
 * @param fullName the host's full name, or null
 * @param urls     clone, SSH and web URLs found in the payload
 */
public record RepositoryIdentity(String fullName, List<String> urls) {

    public RepositoryIdentity {
        urls = List.copyOf(urls);
    }

    @Override
    public String toString() {
        return fullName != null ? fullName : urls.isEmpty() ? "(unnamed)" : urls.get(0);
    }
}
