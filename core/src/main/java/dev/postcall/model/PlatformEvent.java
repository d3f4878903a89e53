package dev.postcall.model;

/**
 * What the platform itself did in a transcript turn ({@code platform_event}) rather than the user or the agent.
 * Read through {@link OpenEnum}, so values added later read as {@link #UNKNOWN}.
 */
public enum PlatformEvent {
    /** {@code user_turn_timeout}: the user said nothing within the turn timeout */
    USER_TURN_TIMEOUT,
    /** {@code skip_turn_wait_elapsed}: the wait the agent chose by skipping its turn is over */
    SKIP_TURN_WAIT_ELAPSED,
    /** A value postcall does not know (or the sender's own {@code unknown}). */
    UNKNOWN
}
