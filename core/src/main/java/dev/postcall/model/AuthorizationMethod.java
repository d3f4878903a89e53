package dev.postcall.model;

/**
 * How the conversation was authorized.
 * Read through {@link OpenEnum}, so values added later read as {@link #UNKNOWN}.
 */
public enum AuthorizationMethod {
    /** {@code invalid} */
    INVALID,
    /** {@code public} */
    PUBLIC,
    /** {@code authorization_header} */
    AUTHORIZATION_HEADER,
    /** {@code signed_url} */
    SIGNED_URL,
    /** {@code shareable_link} */
    SHAREABLE_LINK,
    /** {@code livekit_token} */
    LIVEKIT_TOKEN,
    /** {@code livekit_token_website} */
    LIVEKIT_TOKEN_WEBSITE,
    /** {@code genesys_api_key} */
    GENESYS_API_KEY,
    /** {@code avaya_api_key} */
    AVAYA_API_KEY,
    /** {@code audiocodes_api_key} */
    AUDIOCODES_API_KEY,
    /** {@code whatsapp} */
    WHATSAPP,
    /** {@code sms} */
    SMS,
    /** A value postcall does not know (or the sender's own {@code unknown}). */
    UNKNOWN
}
