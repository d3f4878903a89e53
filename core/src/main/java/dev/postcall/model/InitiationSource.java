package dev.postcall.model;

/**
 * What started the conversation ({@code metadata.conversation_initiation_source}, {@code source_info.source}).
 * Read through {@link OpenEnum}, so values added later read as {@link #UNKNOWN}.
 */
public enum InitiationSource {
    /** {@code android_sdk} */
    ANDROID_SDK,
    /** {@code node_js_sdk} */
    NODE_JS_SDK,
    /** {@code react_native_sdk} */
    REACT_NATIVE_SDK,
    /** {@code react_sdk} */
    REACT_SDK,
    /** {@code js_sdk} */
    JS_SDK,
    /** {@code python_sdk} */
    PYTHON_SDK,
    /** {@code widget} */
    WIDGET,
    /** {@code sip_trunk} */
    SIP_TRUNK,
    /** {@code twilio} */
    TWILIO,
    /** {@code exotel} */
    EXOTEL,
    /** {@code genesys} */
    GENESYS,
    /** {@code avaya} */
    AVAYA,
    /** {@code audiocodes} */
    AUDIOCODES,
    /** {@code swift_sdk} */
    SWIFT_SDK,
    /** {@code whatsapp} */
    WHATSAPP,
    /** {@code twilio_sms} */
    TWILIO_SMS,
    /** {@code flutter_sdk} */
    FLUTTER_SDK,
    /** {@code zendesk_integration} */
    ZENDESK_INTEGRATION,
    /** {@code slack_integration} */
    SLACK_INTEGRATION,
    /** {@code telegram_integration} */
    TELEGRAM_INTEGRATION,
    /** {@code intercom_integration} */
    INTERCOM_INTEGRATION,
    /** {@code freshdesk_integration} */
    FRESHDESK_INTEGRATION,
    /** {@code salesforce_integration} */
    SALESFORCE_INTEGRATION,
    /** {@code template_preview} */
    TEMPLATE_PREVIEW,
    /** {@code genesys_bot_connector} */
    GENESYS_BOT_CONNECTOR,
    /** {@code subagent_tool} */
    SUBAGENT_TOOL,
    /** A value postcall does not know (or the sender's own {@code unknown}). */
    UNKNOWN
}
