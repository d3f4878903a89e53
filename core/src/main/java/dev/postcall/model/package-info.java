/**
 * The payloads of ElevenLabs post-call webhooks as records, one per object of the vendor's schema, bound with
 * JSON-B under these conventions: snake_case members map to camelCase components; unknown members are ignored
 * (the raw body stays available from the event); absent and {@code null} are the same and read as {@code null};
 * lists and maps are never {@code null}, unmodifiable, and maps keep payload order, with one exception where the
 * sender gives absent and empty different meanings
 * ({@link dev.postcall.model.ConversationInitiationClientData#procedureIds()}), while a transcript the webhook left
 * out reads as empty with {@link dev.postcall.model.TranscriptionData#transcriptSent()} {@code false}; enumerations
 * the sender may
 * extend are {@link dev.postcall.model.OpenEnum}s (an unknown value reads as {@code UNKNOWN} with its raw string
 * kept); numbers follow one rule, everywhere postcall reads one (booleans likewise accept {@code "true"} and
 * {@code 1}); tagged unions
 * ({@link dev.postcall.model.PhoneCall}, {@link dev.postcall.model.ToolDetails},
 * {@link dev.postcall.model.ToolResult}, failure metadata) are sealed interfaces with a fallback variant for tags
 * postcall does not know. Sub-objects few receivers read are kept as {@link jakarta.json.JsonObject} and say so.
 *
 * <p><b>Numbers.</b> A whole-number field ({@code Integer}, {@code Long}) holds a whole number written in any JSON
 * form: {@code 22}, {@code 22.0}, {@code 1e3} (1000) or the string {@code "22"} (spaces around it ignored). A
 * fraction ({@code 22.5}), a value beyond the field's range, an empty or non-numeric string ({@code "abc"}) or a
 * non-number is not one and reads as {@code null}, instead of failing the whole payload or becoming a number the
 * sender never sent. A decimal field ({@code Double}) holds any finite number in the same forms ({@code 22.5},
 * {@code "22.5"}), else {@code null}. The same rule reads the whole numbers of failure metadata kept as JSON
 * ({@code sip_status_code}) and the envelope's {@code event_timestamp}, which, having no {@code null}, refuses the
 * event instead.
 *
 * <p>Records are public and JSON-B writes them back in the sender's shape when given the same naming strategy
 * ({@code PropertyNamingStrategy.LOWER_CASE_WITH_UNDERSCORES}).
 *
 * <p>Start from {@link dev.postcall.TranscriptionEvent#data()} or
 * {@link dev.postcall.CallInitiationFailureEvent#data()}.
 */
package dev.postcall.model;
