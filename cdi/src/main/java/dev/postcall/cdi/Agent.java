package dev.postcall.cdi;

import static java.lang.annotation.ElementType.FIELD;
import static java.lang.annotation.ElementType.METHOD;
import static java.lang.annotation.ElementType.PARAMETER;
import static java.lang.annotation.ElementType.TYPE;
import static java.lang.annotation.RetentionPolicy.RUNTIME;

import jakarta.enterprise.util.AnnotationLiteral;
import jakarta.inject.Qualifier;
import java.lang.annotation.Documented;
import java.lang.annotation.Retention;
import java.lang.annotation.Target;
import java.util.Objects;

/**
 * Narrows an observer to the events of one ElevenLabs agent ({@code data.agent_id}). Every event that has an agent
 * id is fired with this qualifier, so an observer without it still sees every event, and one with it sees only
 * that agent's.
 *
 * <pre>{@code
 * void onSupportCall(@Observes @Agent("agent_7f3a") TranscriptionEvent call) {
 *     tickets.open(call.report());
 * }
 * }</pre>
 *
 * <p>{@link #value()} is binding: {@code @Agent("a")} and {@code @Agent("b")} are different qualifiers.
 */
@Qualifier
@Documented
@Retention(RUNTIME)
@Target({PARAMETER, FIELD, METHOD, TYPE})
public @interface Agent {

    /** The agent id exactly as ElevenLabs sends it, for example {@code agent_7f3a}. */
    String value();

    /**
     * An {@link Agent} instance for code that selects or fires events programmatically.
     *
     * <pre>{@code
     * Event<TranscriptionEvent> forAgent = events.select(Agent.Literal.of("agent_7f3a"));
     * }</pre>
     */
    final class Literal extends AnnotationLiteral<Agent> implements Agent {

        private static final long serialVersionUID = 1L;

        /** The agent id this literal stands for. */
        private final String value;

        private Literal(String value) {
            this.value = Objects.requireNonNull(value, "value");
        }

        /**
         * Returns {@code @Agent(value)}.
         *
         * @param value the agent id, not {@code null}
         * @return the qualifier instance
         */
        public static Literal of(String value) {
            return new Literal(value);
        }

        /** The agent id. */
        @Override
        public String value() {
            return value;
        }
    }
}
