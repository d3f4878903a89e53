/**
 * The payloads of ElevenLabs post-call webhooks as records, one per object of the vendor's schema, bound with
 * JSON-B under these conventions: snake_case members map to camelCase components; unknown members are ignored
 * (the raw body stays available from the event); absent and {@code null} are the same and read as {@code null};
 * lists and maps are never {@code null}, unmodifiable, and maps keep payload order; enumerations the sender may
 * extend are {@link dev.postcall.model.OpenEnum}s (an unknown value reads as {@code UNKNOWN} with its raw string
 * kept); numbers are read from integers, floats ({@code 22.0}) and numeric strings ({@code "42"}), a fraction in a
 * whole-number field is rounded to the nearest, and a value that does not fit (out of range, empty or non-numeric
 * string) reads as {@code null} instead of failing the whole payload (booleans likewise accept {@code "true"} and
 * {@code 1}); tagged unions
 * ({@link dev.postcall.model.PhoneCall}, {@link dev.postcall.model.ToolDetails},
 * {@link dev.postcall.model.ToolResult}, failure metadata) are sealed interfaces with a fallback variant for tags
 * postcall does not know. Sub-objects few receivers read are kept as {@link jakarta.json.JsonObject} and say so.
 *
 * <p>Records are public and JSON-B writes them back in the sender's shape when given the same naming strategy
 * ({@code PropertyNamingStrategy.LOWER_CASE_WITH_UNDERSCORES}).
 *
 * <p>Start from {@link dev.postcall.TranscriptionEvent#data()} or
 * {@link dev.postcall.CallInitiationFailureEvent#data()}.
 */
package dev.postcall.model;
