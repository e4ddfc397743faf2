package dev.quayside.imagebuilder.service;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What to build for one commit: the service defaults with the repository's configuration and its
 * {@code .quayside.yml} applied.
 *
 * @param image      image name inside the registry, e.g. {@code team/sample-app}: inside the repository's namespace
 * @param context    build context folder, relative to the repository root ({@code .} for the root)
 * @param dockerfile Dockerfile path relative to the context
 * @param target     multi-stage target, or null
 * @param buildArgs  build arguments: the repository's configured ones and the file's
 * @param extraTags  tags besides the commit tag, already expanded for the ref (a tag build: the tag's name)
 * @param timeout    the build timeout
 * @param buildTags  the patterns of the tags whose pushes are built
 * @param fromFile   true when the repository had a settings file
 */
public record BuildSettings(String image, String context, String dockerfile, String target,
        Map<String, String> buildArgs, List<String> extraTags, Duration timeout, List<String> buildTags,
        boolean fromFile) {
}
