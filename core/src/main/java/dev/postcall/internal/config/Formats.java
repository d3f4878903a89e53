package dev.postcall.internal.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The grammars of setting values, written once: comma-separated lists, sizes and durations. A value that does not
 * parse adds a problem (naming the setting and the fix, quoting only the value it read) and gives the fallback, so
 * one start-up message can list every problem.
 */
public final class Formats {
    private Formats() {
    }

    /**
     * The entries of a comma-separated list, each stripped, empty ones included (so a caller can say which entry of
     * how many is empty); one entry for a text without commas.
     */
    public static List<String> entries(String text) {
        List<String> entries = new ArrayList<>();
        int start = 0;
        while (start <= text.length()) {
            int comma = text.indexOf(',', start);
            int end = comma < 0 ? text.length() : comma;
            entries.add(text.substring(start, end).strip());
            start = end + 1;
        }
        return entries;
    }

    /**
     * ISO-8601 ({@code PT30M}) or a number with a unit: {@code ms}, {@code s}, {@code m}, {@code h}, {@code d};
     * {@code fallback} when {@code raw} is {@code null}.
     */
    public static Duration duration(String name, String raw, Duration fallback, List<String> problems) {
        if (raw == null) {
            return fallback;
        }
        String text = raw.strip();
        String fix = "; write PT30M, 30m, 90s, 1h or 500ms";
        Duration parsed;
        if (!text.isEmpty() && (text.charAt(0) == 'P' || text.charAt(0) == 'p' || text.charAt(0) == '-')) {
            try {
                parsed = Duration.parse(text);
            } catch (DateTimeParseException e) {
                problems.add(name + ": '" + text + "' is not a duration" + fix);
                return fallback;
            }
        } else {
            int unitAt = digitsEnd(text);
            String unit = text.substring(unitAt).strip().toLowerCase(Locale.ROOT);
            long amount = unitAt == 0 || unitAt > 12 ? -1 : Long.parseLong(text.substring(0, unitAt));
            if (amount < 0 || unit.isEmpty()) {
                problems.add(name + ": '" + text + "' is not a duration" + (unit.isEmpty() && amount >= 0
                        ? " (a number needs a unit)" : "") + fix);
                return fallback;
            }
            switch (unit) {
                case "ms" -> parsed = Duration.ofMillis(amount);
                case "s" -> parsed = Duration.ofSeconds(amount);
                case "m", "min" -> parsed = Duration.ofMinutes(amount);
                case "h" -> parsed = Duration.ofHours(amount);
                case "d" -> parsed = Duration.ofDays(amount);
                default -> {
                    problems.add(name + ": '" + text + "' has an unknown unit '" + unit + "'" + fix);
                    return fallback;
                }
            }
        }
        if (parsed.isNegative()) {
            problems.add(name + ": '" + text + "' is negative" + fix);
            return fallback;
        }
        return parsed;
    }

    /**
     * Bytes, with an optional binary unit: {@code 1048576}, {@code 512k}, {@code 1m}, {@code 256MB},
     * {@code 256MiB}, {@code 1g}. KB, MB and GB mean 1024-based units here, as they do in most server settings;
     * {@code fallback} when {@code raw} is {@code null}.
     */
    public static long size(String name, String raw, long fallback, List<String> problems) {
        if (raw == null) {
            return fallback;
        }
        String text = raw.strip();
        String fix = "; write a number of bytes or one with a unit, like 1048576, 512KB, 10MB, 256MiB or 1g";
        int unitAt = digitsEnd(text);
        if (unitAt == 0 || unitAt > 18) {
            problems.add(name + ": '" + text + "' is not a size" + fix);
            return fallback;
        }
        long amount = Long.parseLong(text.substring(0, unitAt));
        String unit = text.substring(unitAt).strip().toLowerCase(Locale.ROOT);
        int shift;
        switch (unit) {
            case "", "b" -> shift = 0;
            case "k", "kb", "kib" -> shift = 10;
            case "m", "mb", "mib" -> shift = 20;
            case "g", "gb", "gib" -> shift = 30;
            default -> {
                problems.add(name + ": '" + text + "' has an unknown unit '" + unit + "'" + fix);
                return fallback;
            }
        }
        if (amount > (Long.MAX_VALUE >> shift)) {
            problems.add(name + ": '" + text + "' is too large" + fix);
            return fallback;
        }
        return amount << shift;
    }

    private static int digitsEnd(String text) {
        int i = 0;
        while (i < text.length() && text.charAt(i) >= '0' && text.charAt(i) <= '9') {
            i++;
        }
        return i;
    }
}
