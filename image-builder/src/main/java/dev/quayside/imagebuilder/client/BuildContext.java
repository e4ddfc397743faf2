package dev.quayside.imagebuilder.client;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * A build context packed the way {@code docker build} packs one — {@code .dockerignore} applied with Docker's rules —
 * but from the real paths only: a symbolic link goes into the archive as a link (its target as written), never as the
 * files it points to, so nothing outside the context folder can reach the engine. (docker-java's own packing walks
 * into linked folders: a link to {@code /etc} put the build host's {@code /etc} into the image.)
 */
public final class BuildContext {

    private BuildContext() {
    }

    /**
     * Writes the context folder {@code context} as an uncompressed tar to {@code out}. {@code dockerfile} (inside the
     * context) and {@code .dockerignore} are always included, as Docker's client does. Entries get fixed owner and
     * modification time so that the same files pack to the same bytes.
     */
    public static void pack(Path context, Path dockerfile, OutputStream out) throws IOException {
        Path root = context.toAbsolutePath().normalize();
        Ignore ignore = Ignore.read(root.resolve(".dockerignore"));
        String dockerfileName = root.relativize(dockerfile.toAbsolutePath().normalize()).toString();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            Files.walkFileTree(root, new SimpleFileVisitor<>() { // never follows links: no FOLLOW_LINKS option
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                    if (!dir.equals(root)) {
                        String name = root.relativize(dir).toString();
                        if (!ignore.excludes(name)) {
                            add(tar, dir, name + "/", attrs);
                        } else if (!ignore.mayInclude(name)) {
                            return FileVisitResult.SKIP_SUBTREE;
                        }
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    String name = root.relativize(file).toString();
                    if (!ignore.excludes(name) || name.equals(dockerfileName) || name.equals(".dockerignore")) {
                        add(tar, file, name, attrs);
                    }
                    return FileVisitResult.CONTINUE;
                }
            });
            tar.finish();
        }
    }

    private static void add(TarArchiveOutputStream tar, Path path, String name, BasicFileAttributes attrs)
            throws IOException {
        TarArchiveEntry entry;
        if (attrs.isSymbolicLink()) {
            entry = new TarArchiveEntry(name, TarArchiveEntry.LF_SYMLINK);
            entry.setLinkName(Files.readSymbolicLink(path).toString());
        } else if (attrs.isDirectory()) {
            entry = new TarArchiveEntry(name);
            entry.setMode(TarArchiveEntry.DEFAULT_DIR_MODE);
        } else if (attrs.isRegularFile()) {
            entry = new TarArchiveEntry(name);
            entry.setSize(attrs.size());
            entry.setMode(Files.isExecutable(path) ? 0100755 : 0100644);
        } else {
            return; // sockets, pipes, devices: never part of a checkout
        }
        entry.setModTime(0);
        entry.setIds(0, 0);
        tar.putArchiveEntry(entry);
        if (attrs.isRegularFile()) {
            Files.copy(path, tar);
        }
        tar.closeArchiveEntry();
    }

    /**
     * The patterns of a {@code .dockerignore} with Docker's meaning: Go's {@code filepath.Match} syntax plus
     * {@code **}, a leading {@code !} for an exception, a pattern also matching every path below a matched folder, and
     * the last matching pattern deciding.
     */
    static final class Ignore {

        private record Rule(Pattern regex, boolean exception) {
        }

        private final List<Rule> patterns;

        private Ignore(List<Rule> patterns) {
            this.patterns = patterns;
        }

        static Ignore read(Path file) {
            if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                return new Ignore(List.of());
            }
            try {
                return parse(Files.readString(file, StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException("reading " + file, e);
            }
        }

        static Ignore parse(String content) {
            List<Rule> patterns = new ArrayList<>();
            for (String raw : content.split("\\r?\\n")) {
                String line = raw.strip();
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                boolean exception = line.startsWith("!");
                String glob = clean(exception ? line.substring(1).strip() : line);
                if (!glob.isEmpty()) {
                    try {
                        patterns.add(new Rule(compile(glob), exception));
                    } catch (PatternSyntaxException e) {
                        throw new BuildFailedException(".dockerignore: invalid pattern '" + line + "'", e);
                    }
                }
            }
            return new Ignore(List.copyOf(patterns));
        }

        /** True when {@code path} (relative, {@code /}-separated) is left out of the context. */
        boolean excludes(String path) {
            boolean excluded = false;
            for (Rule pattern : patterns) {
                if (matchesOrParentMatches(pattern.regex(), path)) {
                    excluded = !pattern.exception();
                }
            }
            return excluded;
        }

        /** False when nothing below the excluded folder {@code dir} can be brought back by an exception. */
        boolean mayInclude(String dir) {
            return patterns.stream().anyMatch(Rule::exception);
        }

        private static boolean matchesOrParentMatches(Pattern regex, String path) {
            if (regex.matcher(path).matches()) {
                return true;
            }
            for (int slash = path.indexOf('/'); slash > 0; slash = path.indexOf('/', slash + 1)) {
                if (regex.matcher(path.substring(0, slash)).matches()) {
                    return true;
                }
            }
            return false;
        }

        /**
         * A pattern as a regular expression, as Docker's pattern matcher (moby/patternmatcher) compiles it: {@code *}
         * and {@code ?} stay inside one path segment, {@code **} spans any number of segments (none included),
         * {@code [...]} is a character class, {@code \\} escapes the next character.
         */
        static Pattern compile(String glob) {
            StringBuilder regex = new StringBuilder("^");
            for (int i = 0; i < glob.length(); i++) {
                char ch = glob.charAt(i);
                if (ch == '*') {
                    if (i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
                        i++;
                        if (i + 1 < glob.length() && glob.charAt(i + 1) == '/') {
                            i++;
                        }
                        regex.append(i + 1 == glob.length() ? ".*" : "(.*/)?");
                    } else {
                        regex.append("[^/]*");
                    }
                } else if (ch == '?') {
                    regex.append("[^/]");
                } else if (ch == '\\' && i + 1 < glob.length()) {
                    regex.append(Pattern.quote(String.valueOf(glob.charAt(++i))));
                } else if (ch == '[' || ch == ']' || ch == '^' || ch == '-' || Character.isLetterOrDigit(ch)
                        || ch == '/' || ch == '_') {
                    regex.append(ch);
                } else {
                    regex.append(Pattern.quote(String.valueOf(ch)));
                }
            }
            return Pattern.compile(regex.append('$').toString());
        }

        /** Go's {@code filepath.Clean} of a pattern, without its leading {@code /}. */
        private static String clean(String glob) {
            String normal = Path.of("/" + glob).normalize().toString();
            return normal.equals("/") ? "" : normal.substring(1);
        }
    }
}
