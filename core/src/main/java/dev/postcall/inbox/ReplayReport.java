package dev.postcall.inbox;

import java.util.List;

/**
 * What a replay of {@code failed/} did.
 *
 * @param replayed     how many entries were handled and removed
 * @param stillFailing the ids of the entries that failed again and stay in {@code failed/}
 */
public record ReplayReport(int replayed, List<String> stillFailing) {

    /** Copies the list. */
    public ReplayReport {
        stillFailing = List.copyOf(stillFailing);
    }
}
