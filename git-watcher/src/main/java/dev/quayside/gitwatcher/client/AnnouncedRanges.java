package dev.quayside.gitwatcher.client;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The announced ranges of a ref, the most recently changed first (at most {@value #KEPT}, disjoint as far as their
 * ends tell): what {@link DeliveryLog} keeps under {@code announced|<repo>|<ref>}, so that a late report of a head
 * inside one is a duplicate.
 */
public record AnnouncedRanges(List<Range> ranges) {

    /**
     * Disjoint announced ranges kept per ref. Ranges only come apart when a ref's reports arrive out of order (a hook's
     * retries after a restart, a poll between them) or history is rewritten; a gap closes, merging its two sides, as
     * soon as its push is announced. So a ref has one range nearly always, and a few while retries of a handful of
     * pushes are in flight; 8 leaves room for that many interleaved gaps while the record stays under a kilobyte. When
     * more are open, the range changed longest ago is forgotten: a late report inside it is announced again (a
     * duplicate chain at worst, never a lost commit).
     */
    static final int KEPT = 8;

    /**
     * The commits of emitted pushes of a ref, contiguous pushes merged: those reachable from {@code head} and not from
     * {@code before}.
     *
     * @param before  the ref's head before the range's first push (forty zeros when it created the ref: everything
     *                reachable from {@code head})
     * @param head    the ref's head after the range's last push
     * @param eventId the id of the event of the push that moved the ref to {@code head}
     */
    public record Range(String before, String head, String eventId) {
    }

    public AnnouncedRanges {
        ranges = List.copyOf(ranges);
    }

    /** The ranges after emitting the push {@code (before, head]}: merged with those it continues, first. */
    AnnouncedRanges with(Range pushed) {
        Range merged = pushed;
        List<Range> rest = new ArrayList<>(ranges);
        boolean changed = true;
        while (changed) {
            changed = false;
            for (var it = rest.iterator(); it.hasNext();) {
                Range range = it.next();
                if (range.head().equals(merged.before())) { // the push continues the range
                    merged = new Range(range.before(), merged.head(), merged.eventId());
                } else if (range.before().equals(merged.head())) { // an older push, reported late
                    merged = new Range(merged.before(), range.head(), range.eventId());
                } else {
                    continue;
                }
                it.remove();
                changed = true;
            }
        }
        rest.add(0, merged);
        return new AnnouncedRanges(rest.subList(0, Math.min(rest.size(), KEPT)));
    }

    /** Whether an announced push moved the ref on from {@code head} (so it is not the ref's head any more). */
    boolean movedOnFrom(String head) {
        return ranges.stream().anyMatch(r -> r.before().equals(head) && !r.head().equals(head));
    }

    String encode() {
        return ranges.stream().map(r -> r.head() + " " + r.eventId() + " " + r.before())
                .collect(Collectors.joining(";"));
    }

    /** The ranges of a record's value; null when it holds none. */
    static AnnouncedRanges decode(String value) {
        List<Range> ranges = new ArrayList<>();
        for (String range : value.split(";")) {
            String[] parts = range.trim().split(" ");
            if (parts.length == 2) { // written by an older version: the head alone
                ranges.add(new Range(parts[0], parts[0], parts[1]));
            } else if (parts.length == 3) {
                ranges.add(new Range(parts[2], parts[0], parts[1]));
            }
        }
        return ranges.isEmpty() ? null : new AnnouncedRanges(ranges);
    }
}
