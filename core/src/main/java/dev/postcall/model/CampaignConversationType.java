package dev.postcall.model;

/**
 * Which attempt of a batch-calling campaign a conversation was
 * ({@code metadata.batch_call.campaign.conversation_type}). Read through {@link OpenEnum}, so values added later read as {@link #UNKNOWN}.
 */
public enum CampaignConversationType {
    /** {@code initial} */
    INITIAL,
    /** {@code retry} */
    RETRY,
    /** {@code callback} */
    CALLBACK,
    /** {@code redirect} */
    REDIRECT,
    /** A value postcall does not know (or the sender's own {@code unknown}). */
    UNKNOWN
}
