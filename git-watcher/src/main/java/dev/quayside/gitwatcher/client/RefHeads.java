package dev.quayside.gitwatcher.client;

import dev.quayside.kit.kafka.CompactedTopicMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The heads {@link DeliveryLog} keeps per ref, for polling and {@code GET /repositories}, with the ranges announced
 * for each. It keeps, in the log's compacted topic:
 * <ul>
 * <li>{@code head|<repo>|<ref>} → the last emitted (or baseline) head of a ref.</li>
 * <li>{@code announced|<repo>|<ref>} → {@code <head> <eventId> <before>[;<head> <eventId> <before>…]}: the ranges
 * {@code (before, head]} of the pushes emitted for a ref (never a baseline's), contiguous ones merged, the most recently
 * changed first, at most {@value AnnouncedRanges#KEPT}. A record of an older version, {@code <head> <eventId>}, reads as
 * the empty range {@code (head, head]}: it covers nothing (a late report is announced rather than risk refusing an
 * unannounced commit), but a push from or to that head still merges with it.</li>
 * <li>{@code baseline|<repo>} → the first poll of a repository has recorded its heads.</li>
 * </ul>
 * The heads are those read back; each step that writes the topic is handed it (the pieces are made before the log's
 * topic is opened, as its reader applies records at once).
 */
final class RefHeads {

    static final String ZERO = "0000000000000000000000000000000000000000";
    private static final String HEAD = "head|";
    private static final String BASELINE = "baseline|";
    private static final String ANNOUNCED = "announced|";

    private final Map<String, Map<String, String>> heads = new ConcurrentHashMap<>();
    private final Map<String, Map<String, AnnouncedRanges>> announced = new ConcurrentHashMap<>();
    private final Set<String> baselines = ConcurrentHashMap.newKeySet();

    /** Last emitted or baseline heads of a repository, ref → commit. */
    Map<String, String> heads(String repository) {
        Map<String, String> refs = heads.get(repository);
        return refs == null ? Map.of() : new TreeMap<>(refs);
    }

    /** The ref's announced ranges as the log has them, or null (none, or only a baseline). */
    AnnouncedRanges ranges(String repository, String ref) {
        Map<String, AnnouncedRanges> refs = announced.get(repository);
        return refs == null ? null : refs.get(ref);
    }

    /** Whether the first poll of the repository recorded its heads. */
    boolean hasBaseline(String repository) {
        return baselines.contains(repository);
    }

    /**
     * Writes the push {@code before → head}'s range among the ref's announced ones and {@code head} as the ref's head —
     * unless an announced push already moved the ref on from it (a late report of an older push). The ranges are read,
     * merged and written back by this instance alone: when two instances announce pushes of one ref at once, one's
     * range may be lost, so that a late report inside it is announced again — a duplicate at worst, never a refused
     * commit. Returns the writes, for the caller to await.
     */
    List<CompletableFuture<CompactedTopicMap.Written>> markEmitted(CompactedTopicMap map, String eventId,
            String repository, String ref, String before, String head) {
        String refKey = repository + "|" + ref;
        AnnouncedRanges known = ranges(repository, ref);
        if (isZero(head)) {
            return List.of(map.remove(refKey, HEAD + refKey), map.remove(refKey, ANNOUNCED + refKey));
        }
        CompletableFuture<CompactedTopicMap.Written> headWritten = known != null && known.movedOnFrom(head)
                ? CompletableFuture.completedFuture(null) : map.put(refKey, HEAD + refKey, head);
        AnnouncedRanges ranges = (known == null ? new AnnouncedRanges(List.of()) : known)
                .with(new AnnouncedRanges.Range(before, head, eventId));
        return List.of(headWritten, map.put(refKey, ANNOUNCED + refKey, ranges.encode()));
    }

    /** Records the heads of a repository's first poll (no events for them), and waits until Kafka has them. */
    void markBaseline(CompactedTopicMap map, String repository, Map<String, String> refs) {
        List<CompletableFuture<CompactedTopicMap.Written>> writes = new ArrayList<>();
        refs.forEach((ref, sha) -> writes.add(map.put(repository + "|" + ref, HEAD + repository + "|" + ref, sha)));
        writes.add(map.put(repository, BASELINE + repository, Long.toString(System.currentTimeMillis())));
        writes.forEach(map::await);
    }

    /** Applies a {@code head|}, {@code announced|} or {@code baseline|} record read back; false for any other key. */
    boolean apply(String key, CompactedTopicMap.Entry entry) {
        if (key.startsWith(HEAD)) {
            String rest = key.substring(HEAD.length());
            int bar = rest.indexOf('|');
            if (bar > 0) {
                Map<String, String> refs = heads.computeIfAbsent(rest.substring(0, bar),
                        r -> new ConcurrentHashMap<>());
                if (entry == null || isZero(entry.value())) {
                    refs.remove(rest.substring(bar + 1));
                } else {
                    refs.put(rest.substring(bar + 1), entry.value());
                }
            }
        } else if (key.startsWith(ANNOUNCED)) {
            String rest = key.substring(ANNOUNCED.length());
            int bar = rest.indexOf('|');
            AnnouncedRanges ranges = entry == null ? null : AnnouncedRanges.decode(entry.value());
            if (bar > 0) {
                Map<String, AnnouncedRanges> refs = announced.computeIfAbsent(rest.substring(0, bar),
                        r -> new ConcurrentHashMap<>());
                if (ranges == null) {
                    refs.remove(rest.substring(bar + 1));
                } else {
                    refs.put(rest.substring(bar + 1), ranges);
                }
            }
        } else if (key.startsWith(BASELINE)) {
            if (entry == null) {
                baselines.remove(key.substring(BASELINE.length()));
            } else {
                baselines.add(key.substring(BASELINE.length()));
            }
        } else {
            return false;
        }
        return true;
    }

    private static boolean isZero(String sha) {
        return sha.chars().allMatch(c -> c == '0');
    }
}
