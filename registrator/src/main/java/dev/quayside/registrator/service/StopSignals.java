package dev.quayside.registrator.service;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** The signals that stop a container, as numbers: Docker's {@code kill} event carries the number it delivered. */
final class StopSignals {

    /** Linux signal numbers (the same on x86 and ARM for these). */
    private static final Map<String, Integer> NUMBERS = Map.ofEntries(Map.entry("HUP", 1), Map.entry("INT", 2),
            Map.entry("QUIT", 3), Map.entry("ABRT", 6), Map.entry("KILL", 9), Map.entry("USR1", 10),
            Map.entry("USR2", 12), Map.entry("ALRM", 14), Map.entry("TERM", 15), Map.entry("WINCH", 28),
            Map.entry("PWR", 30));

    private final Set<Integer> signals;

    private StopSignals(Set<Integer> signals) {
        this.signals = Set.copyOf(signals);
    }

    /**
     * @throws IllegalArgumentException for a name or number that is not a signal, naming the key
     */
    static StopSignals parse(List<String> names) {
        Set<Integer> numbers = new HashSet<>();
        for (String raw : names) {
            String name = raw.trim().toUpperCase(Locale.ROOT);
            if (name.startsWith("SIG")) {
                name = name.substring(3);
            }
            Integer number = NUMBERS.get(name);
            if (number == null) {
                try {
                    number = Integer.valueOf(name);
                } catch (NumberFormatException e) {
                    number = -1;
                }
            }
            if (number < 1 || number > 64) {
                throw new IllegalArgumentException("quayside.registrator.stop-signals: '" + raw
                        + "' is not a signal (a name such as TERM or SIGQUIT, or a number 1-64)");
            }
            numbers.add(number);
        }
        return new StopSignals(numbers);
    }

    /** True when {@code signal} (the {@code kill} event's {@code signal} attribute, a number) stops the container. */
    boolean stops(String signal) {
        if (signal == null) {
            return false;
        }
        try {
            return signals.contains(Integer.valueOf(signal.trim()));
        } catch (NumberFormatException e) {
            String name = signal.trim().toUpperCase(Locale.ROOT);
            Integer number = NUMBERS.get(name.startsWith("SIG") ? name.substring(3) : name);
            return number != null && signals.contains(number);
        }
    }
}
