package dev.postcall.model;

/**
 * The kind of tool a call or result belongs to.
 * Read through {@link OpenEnum}, so values added later read as {@link #UNKNOWN}.
 */
public enum ToolType {
    /** {@code system} */
    SYSTEM,
    /** {@code webhook} */
    WEBHOOK,
    /** {@code client} */
    CLIENT,
    /** {@code mcp} */
    MCP,
    /** {@code workflow} */
    WORKFLOW,
    /** {@code api_integration_webhook} */
    API_INTEGRATION_WEBHOOK,
    /** {@code api_integration_mcp} */
    API_INTEGRATION_MCP,
    /** {@code smb} */
    SMB,
    /** {@code code} */
    CODE,
    /** A value postcall does not know (or the sender's own {@code unknown}). */
    UNKNOWN
}
