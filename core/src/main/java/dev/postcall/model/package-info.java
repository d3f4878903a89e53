/**
 * The payloads of ElevenLabs post-call webhooks as records, one per object of the vendor's schema, bound with
 * JSON-B under these conventions: snake_case members map to camelCase components; unknown members are ignored
 * (the raw body stays available from the event); absent and {@code null} are the same and read as {@code null};
 * lists and maps are never {@code null}, unmodifiable, and maps keep payload order; enumerations the sender may
 * extend are {@link dev.postcall.model.OpenEnum}s (an unknown value reads as {@code UNKNOWN} with its raw string
 * kept); numbers are read from integers, floats ({@code 22.0}) and numeric strings ({@code "42"}); tagged unions
 * ({@link dev.postcall.model.PhoneCall}, {@link dev.postcall.model.ToolDetails},
 * {@link dev.postcall.model.ToolResult}, failure metadata) are sealed interfaces with a fallback variant for tags
 * postcall does not know. Sub-objects few receivers read are kept as {@link jakarta.json.JsonObject} and say so.
 *
 * <p>Start from {@link dev.postcall.TranscriptionEvent#data()} or
 * {@link dev.postcall.CallInitiationFailureEvent#data()}.
 */
package dev.postcall.model;
